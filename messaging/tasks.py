"""The messaging app's tasks: thin, they take ids and call a service."""

from __future__ import annotations

from celery import shared_task

# --- outbox ----------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.pump_channel")
def pump_channel(channel_id: int) -> int:
    from .services.outbox import outbox_pump

    return outbox_pump(channel_id=channel_id)


# --- delivery reports and webhooks -----------------------------------------------------------


# --- sender IDs ------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.run_sender_job")
def run_sender_job(job_id: int, attempt: int | None = None) -> str:
    from .services.senders import SenderJobRunner

    return SenderJobRunner.run(job_id, attempt)


@shared_task(name="messaging.tasks.sync_sender_ids")
def sync_sender_ids() -> int:
    from .services.senders import senders_sync_all

    return senders_sync_all()


# --- opt-outs --------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.push_opt_out")
def push_opt_out(opt_out_id: int) -> bool:
    from .services.optouts import opt_out_push

    return opt_out_push(opt_out_id=opt_out_id)
