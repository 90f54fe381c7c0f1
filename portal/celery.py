"""The Celery app. Tasks record who acted (the task's name) in the audit log."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The zero-setup broker (a SQLite file) is polled, by default once a second once the worker
# holds as many tasks as it prefetches: a task or two a second, so a user's job waited seconds
# behind the sandbox's callbacks. kombu hands every transport option of this transport to
# SQLAlchemy's create_engine (which refuses `polling_interval`), so its class default is set.
if str(app.conf.broker_url or "").startswith("sqla+"):
    from kombu.transport import sqlalchemy as _file_broker

    _file_broker.Transport.polling_interval = 0.05


@signals.task_prerun.connect
def _enter_task_actor(task=None, **kwargs):
    from portal.audit import actor_context

    task.request._audit_token = actor_context.enter_task(task.name, task.request.id)


@signals.task_postrun.connect
def _leave_task_actor(task=None, **kwargs):
    from portal.audit import actor_context

    token = getattr(task.request, "_audit_token", None)
    if token is not None:
        actor_context.leave(token)
