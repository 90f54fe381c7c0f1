"""The messaging app's tasks: thin, they take ids and call a service."""

from __future__ import annotations

from celery import shared_task

# --- outbox ----------------------------------------------------------------------------------


@shared_task(name="messaging.tasks.pump_channel")
def pump_channel(channel_id: int) -> int:
    from .services.outbox import outbox_pump

    return outbox_pump(channel_id=channel_id)


@shared_task(name="messaging.tasks.outbox_tick")
def outbox_tick() -> dict:
    from .services.outbox import outbox_tick as tick

    return tick()


# --- delivery reports and webhooks -----------------------------------------------------------


# --- sender IDs ------------------------------------------------------------------------------


# --- opt-outs --------------------------------------------------------------------------------
