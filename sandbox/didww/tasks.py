"""Celery tasks: what DIDWW does later (a carrier's steps, a delivery's retries). Thin; the
services do the work and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services.deliveries import delivery_attempt
from .services.messages import message_advance

STEP_SECONDS = 2  # between the send, its status callback and its delivery report


@shared_task(name="didww_sandbox.progress_message")
def progress_message(message_id: int) -> None:
    delivery_id = message_advance(message_id=message_id)
    if delivery_id is not None:
        delivery_attempt(delivery_id=delivery_id)
        progress_message.apply_async((message_id,), countdown=STEP_SECONDS)


@shared_task(name="didww_sandbox.deliver")
def deliver(delivery_id: int) -> None:
    delivery_attempt(delivery_id=delivery_id)
