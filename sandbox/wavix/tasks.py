"""Celery tasks: the callbacks Wavix would send. Thin; the services do the work and are safe
to run twice."""

from __future__ import annotations

from celery import shared_task

from .services.messaging import message_advance
from .services.speech import complete as transcription_complete
from .services.webhooks import webhook_deliver

# The pause between carrier steps (sent, then the final status), as on a real network.
CARRIER_STEP_SECONDS = 2


@shared_task(name="wavix_sandbox.progress_message")
def progress_message(message_id: str) -> None:
    if message_advance(message_id=message_id):
        progress_message.apply_async((message_id,), countdown=CARRIER_STEP_SECONDS)


@shared_task(name="wavix_sandbox.deliver_webhook")
def deliver_webhook(webhook_id: int) -> None:
    webhook_deliver(webhook_id=webhook_id)


@shared_task(name="wavix_sandbox.complete_transcription")
def complete_transcription(transcription_id: int) -> None:
    transcription_complete(transcription_id=transcription_id)
