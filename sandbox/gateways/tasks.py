"""The fake gateways' callbacks, in a task so that under `make run` the worker posts them."""

from __future__ import annotations

from celery import shared_task

from .services import inbound_deliver, report_deliver


@shared_task(name="gateways_sandbox.deliver_report")
def deliver_report(message_pk: int) -> bool:
    return report_deliver(message_pk=message_pk)


@shared_task(name="gateways_sandbox.deliver_inbound")
def deliver_inbound(gateway: str, sender: str, recipient: str, text: str) -> bool:
    return inbound_deliver(gateway=gateway, sender=sender, recipient=recipient, text=text)
