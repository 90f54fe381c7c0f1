"""The Wavix channel: sends through portal/wavix/ (the one Wavix client), and reads Wavix's
delivery reports (`MessagesDeliveryReport`) and inbound messages (`InboundMessage`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime

from . import register
from .base import Capabilities, DeliveryReport, InboundMessage, Provider
from .errors import BadPayload

# Wavix's statuses are the portal's, but for "pending" (accepted, awaiting the carrier).
STATUSES = {
    "accepted": "accepted",
    "pending": "accepted",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "undelivered",
    "expired": "expired",
    "rejected": "rejected",
    "dlr_expired": "dlr_expired",
}
MAX_TEXT = 10_000  # characters of an inbound text kept (Wavix's own limit is far below)


def _text(payload: dict, name: str, *, required: bool = True, limit: int = 100) -> str:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise BadPayload(name, "is required")
        return ""
    if not isinstance(value, str | int):
        raise BadPayload(name, "must be a string", value)
    value = str(value)
    if len(value) > limit:
        raise BadPayload(name, f"must be at most {limit} characters", value)
    return value


def _digits(payload: dict, name: str) -> str:
    value = _text(payload, name, limit=20).strip().lstrip("+")
    return value


def _int(payload: dict, name: str) -> int | None:
    value = payload.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadPayload(name, "must be a whole number", value)
    try:
        number = int(value)
    except ValueError:
        raise BadPayload(name, "must be a whole number", value) from None
    if not 0 <= number <= 10_000:
        raise BadPayload(name, "must be between 0 and 10000", value)
    return number


def _money(payload: dict, name: str) -> Decimal | None:
    value = payload.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadPayload(name, "must be a number", value)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise BadPayload(name, "must be a number", value) from None
    if not amount.is_finite() or abs(amount) >= 10_000_000:
        raise BadPayload(name, "must be a finite amount below 10,000,000", value)
    return amount


def _time(payload: dict, name: str) -> datetime | None:
    """An ISO 8601 time; one without a zone is UTC (as Wavix sends some)."""
    value = payload.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise BadPayload(name, "must be an ISO 8601 time", value)
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadPayload(name, "must be an ISO 8601 time", value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _object(payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise BadPayload("body", "must be a JSON object")
    return payload


@register
class WavixProvider(Provider):
    kind = "wavix"
    label = "Wavix"
    capabilities = Capabilities(
        mms=True, alphanumeric=True, max_rate=100.0, max_media=5, status_lookup=True
    )

    # Sending (send, lookup, check) is in the outbox's part of this module.

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        body = _object(payload)
        status = _text(body, "status", limit=20)
        if status not in STATUSES:
            raise BadPayload("status", f"must be one of {', '.join(STATUSES)}", status)
        # Older senders name the count `segments`.
        segments = _int(body, "segments_count")
        if segments is None:
            segments = _int(body, "segments")
        error = body.get("error")
        return DeliveryReport(
            provider_id=_text(body, "message_id"),
            status=STATUSES[status],
            at=_time(body, "delivered") or _time(body, "sent"),
            segments=segments,
            charge=_money(body, "charge"),
            carrier_fees=_money(body, "carrier_fees"),
            reason=str(error)[:255] if error else "",
            tag=_text(body, "tag", required=False),
            raw=body,
        )

    def parse_inbound(self, payload: Any) -> InboundMessage:
        body = _object(payload)
        message_body = body.get("message_body")
        if message_body is None:
            message_body = {}
        if not isinstance(message_body, dict):
            raise BadPayload("message_body", "must be an object with text and media")
        text = message_body.get("text") or ""
        if not isinstance(text, str):
            raise BadPayload("message_body.text", "must be a string", text)
        if len(text) > MAX_TEXT:
            raise BadPayload("message_body.text", f"must be at most {MAX_TEXT} characters")
        media = message_body.get("media") or []
        if not isinstance(media, list) or not all(isinstance(m, str) for m in media):
            raise BadPayload("message_body.media", "must be a list of URLs", media)
        if len(media) > 10:
            raise BadPayload("message_body.media", "must hold at most 10 URLs")
        return InboundMessage(
            provider_id=_text(body, "message_id"),
            sender=_digits(body, "from"),
            recipient=_digits(body, "to"),
            text=text,
            media=tuple(media),
            received_at=_time(body, "received_at"),
            raw=body,
        )
