"""Sending through the fake HTTP OUT trunk: the request checked as DIDWW checks it, the message
kept, then (a task, a short delay later, as a carrier takes its time) the status callback and,
when the trunk has DLR events on, the delivery report, each posted to the Callback URL."""

from __future__ import annotations

import json
import math
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..errors import ApiError, invalid
from ..models import SandboxDelivery, SandboxOutbound, SandboxTrunk
from .deliveries import delivery_create

MAX_CONTENT = 1600  # characters of one message's content
MAX_NUMBER = 15


def _number(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    if value in (None, ""):
        raise invalid(name, "can't be blank")
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    if value.startswith("+"):
        raise invalid(name, "must be digits without a leading +")
    if not value.isascii() or not value.isdigit() or not 7 <= len(value) <= MAX_NUMBER:
        raise invalid(name, f"must be 7 to {MAX_NUMBER} digits")
    return value


def _attributes(document) -> dict:
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
        raise ApiError(400, "Invalid request", pointer="/data")
    data = document["data"]
    if data.get("type") != "outbound_messages":
        raise ApiError(400, "type is invalid", pointer="/data/type")
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise ApiError(400, "attributes is invalid", pointer="/data/attributes")
    return attributes


def fragments(content: str) -> int:
    single, multi = (160, 153) if content.isascii() else (70, 67)
    return 1 if len(content) <= single else math.ceil(len(content) / multi)


def _rate_limited(trunk: SandboxTrunk) -> bool:
    since = timezone.now() - timedelta(seconds=1)
    return trunk.messages.filter(submitted_at__gte=since).count() >= trunk.rate_limit


def message_submit(*, trunk: SandboxTrunk, body: bytes) -> SandboxOutbound:
    """The message a POST /outbound_messages body asks for, kept; ApiError (400, 429) if not."""
    try:
        document = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid request: the body is not JSON", pointer="/data") from None
    attributes = _attributes(document)
    destination = _number(attributes, "destination")
    source = _number(attributes, "source")
    content = attributes.get("content")
    if not isinstance(content, str) or not content.strip():
        raise invalid("content", "can't be blank")
    if len(content) > MAX_CONTENT:
        raise invalid("content", f"is too long (maximum is {MAX_CONTENT} characters)")
    if _rate_limited(trunk):
        raise ApiError(429, "Rate limit exceeded", headers={"Retry-After": "1"})
    with transaction.atomic():
        message = SandboxOutbound.objects.create(
            trunk=trunk,
            source=source,
            destination=destination,
            content=content,
            fragments=fragments(content),
        )
        message_id = message.pk
        transaction.on_commit(lambda: _enqueue(message_id))
    return message


def _enqueue(message_id: int) -> None:
    from ..tasks import STEP_SECONDS, progress_message

    progress_message.apply_async((message_id,), countdown=STEP_SECONDS)


def outcome(destination: str) -> tuple[str, int | None, str]:
    """(status callback, its code_id, DLR status or "") for a destination (__init__.py)."""
    if destination.endswith("0000"):
        return "Routing error", 20, ""
    if destination.endswith("0001"):
        return "Success", None, "FAILED"
    if destination.endswith("0002"):
        return "Success", None, "EXPIRED"
    return "Success", None, "DELIVERED"


def _document(message: SandboxOutbound, kind: str, status: str, code: int | None) -> str:
    now = timezone.now().isoformat().replace("+00:00", "Z")
    if kind == SandboxDelivery.Kind.STATUS:
        attributes = {
            "time_start": message.submitted_at.isoformat().replace("+00:00", "Z"),
            "end_time": now,
            "source": message.source,
            "destination": message.destination,
            "status": status,
            "fragments_sent": message.fragments if status == "Success" else 0,
            "code_id": code,
        }
        kind_type = "outbound_message_callbacks"
    else:
        attributes = {
            "time": now,
            "source": message.source,
            "destination": message.destination,
            "status": status,
        }
        kind_type = "dlr_events"
    data = {"type": kind_type, "id": str(message.message_id), "attributes": attributes}
    return json.dumps({"data": data})


def message_advance(*, message_id: int) -> int | None:
    """The message's next step: its status callback, then its DLR event. The delivery made
    (to attempt), or None when there is nothing more to report. Safe to run twice."""
    with transaction.atomic():
        message = (
            SandboxOutbound.objects.select_for_update()
            .select_related("trunk")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return None
        status, code, final = outcome(message.destination)
        if message.status == "Queued":
            kind, message.status, said = SandboxDelivery.Kind.STATUS, status, status
        elif message.status == "Success" and final and message.trunk.dlr_enabled:
            kind, message.status, said, code = SandboxDelivery.Kind.DLR, final, final, None
        else:
            return None
        message.save(update_fields=["status"])
        if not message.trunk.callback_url:
            return None
        delivery = delivery_create(
            trunk=message.trunk,
            message=message,
            kind=kind,
            url=message.trunk.callback_url,
            body=_document(message, kind, said, code),
        )
    return delivery.pk
