"""Reading what DIDWW posts: the HTTP IN body written from the user's template (possibly broken
JSON) and the fields of its JSON:API callbacks. Plain functions, no Django."""

from __future__ import annotations

import base64
import binascii
import email.utils
import re
from datetime import UTC, datetime
from typing import Any

from .base import InboundMessage, json_body
from .errors import BadPayload
from .fields import derived_id

MAX_TEXT = 10_000  # characters of an inbound text kept
MAX_DATA = 4 * (MAX_TEXT * 4 // 3 + 3)  # base64 characters of MAX_TEXT in 4-byte UTF-8
MAX_NUMBER = 20
FIELDS = ("uuid", "to", "from", "time", "data")  # never hold a quote: read one by one
_FIELD = r'"{name}"\s*:\s*"([^"\\]*)"'
# Where a raw `text` ends in a broken document: the quote before the next known field or the
# document's end (a message holding `","to":"` exactly is beyond saving).
_TEXT_START = re.compile(r'"text"\s*:\s*"')
_TEXT_END = re.compile(r'"\s*(?:,\s*"(?:' + "|".join(FIELDS) + r')"\s*:|\}\s*$)')


def tolerant_fields(body: str) -> dict[str, str]:
    """The template's fields read one by one from a body that is not valid JSON (DIDWW puts
    `{SMS_TEXT}` in raw, so a quote or a new line in the message breaks the document)."""
    found: dict[str, str] = {}
    for name in FIELDS:
        match = re.search(_FIELD.format(name=name), body)
        if match:
            found[name] = match.group(1)
    start = _TEXT_START.search(body)
    if start:
        end = _TEXT_END.search(body, start.end())
        if end:
            found["text"] = body[start.end() : end.start()]
    return found


def load(body: str) -> Any:
    """The body as JSON, or, when it is not (a raw text broke it), the template's fields read
    one by one; BadPayload when neither finds a document."""
    try:
        return json_body(body)
    except BadPayload:
        fields = tolerant_fields(body)
        if "to" not in fields and "from" not in fields:
            raise
        return fields


# --- fields ----------------------------------------------------------------------------------


def text(payload: dict, name: str, *, where: str = "", limit: int = 100, required=True) -> str:
    shown = f"{where}.{name}" if where else name
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise BadPayload(shown, "is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadPayload(shown, "must be a string", value)
    value = str(value)
    if len(value) > limit:
        raise BadPayload(shown, f"must be at most {limit} characters", value)
    return value


def whole(payload: dict, name: str, *, where: str = "") -> int | None:
    shown = f"{where}.{name}" if where else name
    value = payload.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadPayload(shown, "must be a whole number", value)
    try:
        number = int(value)
    except ValueError:
        raise BadPayload(shown, "must be a whole number", value) from None
    if not 0 <= number <= 1_000_000:
        raise BadPayload(shown, "must be between 0 and 1000000", value)
    return number


def iso_time(attributes: dict, names: tuple[str, ...]) -> datetime | None:
    """The first of `names` that holds an ISO 8601 time (a callback's times); None if none."""
    for name in names:
        value = attributes.get(name)
        if isinstance(value, str) and 0 < len(value) <= 40:
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def rfc1123(payload: dict, name: str = "time") -> datetime | None:
    """`{SMS_TIME}`: an RFC 1123 date (`Wed, 02 Dec 2026 06:00:00 GMT`), or ISO 8601."""
    value = text(payload, name, limit=64, required=False)
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        # An ISO 8601 time is taken too (a template edited to another placeholder format).
        parsed = iso_time({name: value}, (name,))
    if parsed is None:
        raise BadPayload(
            name, "must be an RFC 1123 date, e.g. Wed, 02 Dec 2026 06:00:00 GMT", value
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(payload: dict, name: str) -> str:
    return text(payload, name, limit=MAX_NUMBER + 1).strip().lstrip("+")


def message_text(payload: dict) -> str:
    """`data` (base64, exact whatever the message holds) when the template has it, else the
    raw `text`."""
    data = payload.get("data")
    if isinstance(data, str) and data.strip():
        if len(data) > MAX_DATA:
            raise BadPayload("data", f"must be at most {MAX_DATA} base64 characters")
        try:
            decoded = base64.b64decode("".join(data.split()), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise BadPayload("data", "must be base64 of UTF-8 text", data) from None
        if "\x00" in decoded:
            # PostgreSQL keeps no NUL character in text (the webhook refuses one in the body).
            raise BadPayload("data", "must not decode to NUL characters", data)
    else:
        if data is not None and not isinstance(data, str):
            raise BadPayload("data", "must be a base64 string", data)
        decoded = payload.get("text") or ""
        if not isinstance(decoded, str):
            raise BadPayload("text", "must be a string", decoded)
    if len(decoded) > MAX_TEXT:
        raise BadPayload("text", f"must be at most {MAX_TEXT} characters")
    return decoded


def dedupe_id(*, sender: str, recipient: str, time: str, body: str) -> str:
    """A stable id for a message DIDWW gave none (a template without `{SMS_UUID}`): its retries
    of one delivery carry the same sender, recipient, time and text, so they are stored once.
    Two messages alike in all four within the same second are taken for one (the template with
    the uuid avoids that)."""
    return derived_id(sender, recipient, time, body)


def parse(payload: Any) -> InboundMessage:
    if not isinstance(payload, dict):
        raise BadPayload("body", "must be a JSON object written from the HTTP IN template")
    sender, recipient = _number(payload, "from"), _number(payload, "to")
    received_at = rfc1123(payload)
    body = message_text(payload)
    uuid = text(payload, "uuid", limit=64, required=False).strip()
    if uuid.startswith("{") or not uuid:
        # No uuid, or a placeholder DIDWW left as it is: the message's own hash.
        raw_time = text(payload, "time", limit=64, required=False)
        uuid = dedupe_id(sender=sender, recipient=recipient, time=raw_time, body=body)
    elif not uuid.isprintable():
        raise BadPayload("uuid", "must hold printable characters only", uuid)
    return InboundMessage(
        provider_id=uuid,
        sender=sender,
        recipient=recipient,
        text=body,
        received_at=received_at,
        raw=payload,
    )
