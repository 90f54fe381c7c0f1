"""An HTTP IN trunk's delivery of a message someone texted to one of the customer's numbers:
the trunk's body template with DIDWW's placeholders put in as DIDWW does (`{SMS_TEXT}` raw,
so a quote or a new line breaks the JSON), posted to its request URL and retried (deliveries.py)."""

from __future__ import annotations

import base64
import email.utils
import uuid
from datetime import UTC

from django.utils import timezone

from ..models import SandboxDelivery, SandboxTrunk
from .deliveries import delivery_attempt, delivery_create

MAX_TEXT = 1600


def render(template: str, *, sender: str, recipient: str, text: str, at=None) -> str:
    at = at or timezone.now()
    values = {
        "{SMS_UUID}": str(uuid.uuid4()),
        "{SMS_SRC_ADDR}": sender,
        "{SMS_DST_ADDR}": recipient,
        "{SMS_TIME}": email.utils.format_datetime(at.astimezone(UTC), usegmt=True),
        "{SMS_TEXT_BASE64_ENCODED}": base64.b64encode(text.encode("utf-8")).decode(),
        "{SMS_TEXT}": text,
    }
    for placeholder in ("{SMS_UUID}", "{SMS_SRC_ADDR}", "{SMS_DST_ADDR}", "{SMS_TIME}"):
        template = template.replace(placeholder, values[placeholder])
    # The text last, so that placeholders typed in a message stay as they were typed.
    template = template.replace("{SMS_TEXT_BASE64_ENCODED}", values["{SMS_TEXT_BASE64_ENCODED}"])
    return template.replace("{SMS_TEXT}", values["{SMS_TEXT}"])


def inbound_deliver(
    *, trunk: SandboxTrunk, url: str, template: str, sender: str, recipient: str, text: str
) -> SandboxDelivery:
    """Posts the message now (its first attempt, from this request); the retries go to the
    worker. The delivery, re-read, says what the first attempt got."""
    body = render(
        template,
        sender=sender.strip().lstrip("+"),
        recipient=recipient.strip().lstrip("+"),
        text=text,
    )
    delivery = delivery_create(trunk=trunk, kind=SandboxDelivery.Kind.INBOUND, url=url, body=body)
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery
