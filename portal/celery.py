"""The Celery app. Tasks record who acted (the task's name) in the audit log."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
