"""Celery tasks: the callbacks Apidaze would post. Thin; the service is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import callback_deliver


@shared_task(name="apidaze_sandbox.deliver_callback")
def deliver_callback(callback_id: int) -> None:
    callback_deliver(callback_id=callback_id)
