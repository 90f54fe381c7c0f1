"""Declares the Celery queues on the broker before anything else uses it.

The zero-setup broker (a SQLite file) makes its tables and queue rows on first use; the worker
and the first job's sender doing that at the same moment collide on the queue's unique name,
and the job's task is not sent. bin/run runs this once, before it starts them. On Redis it is a
no-op in effect (declaring an existing queue changes nothing)."""

from django.core.management.base import BaseCommand

from portal.celery import app


class Command(BaseCommand):
    help = "Declare the Celery queues on the broker (bin/run does it before starting the worker)."

    def handle(self, *args, **options):
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            for queue in app.amqp.queues.values():
                queue(channel).declare()
        if options["verbosity"] > 1:
            self.stdout.write(f"Broker queues declared: {', '.join(app.amqp.queues)}")
