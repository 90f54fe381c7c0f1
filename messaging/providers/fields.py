"""Reading the fields of a provider's webhook body (parsed JSON or form fields): each reader
raises BadPayload naming the field, the rule and the value. Shared by the providers' parsers
(Wavix's first, Apidaze's)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from django.utils.dateparse import parse_datetime

from .base import json_body
from .errors import BadPayload


def text(payload: dict, name: str, *, required: bool = True, limit: int = 100) -> str:
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


def digits(payload: dict, name: str) -> str:
    value = text(payload, name, limit=20).strip().lstrip("+")
    return value


def whole(payload: dict, name: str) -> int | None:
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


def money(payload: dict, name: str) -> Decimal | None:
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


def time_of(payload: dict, name: str) -> datetime | None:
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


def json_object(payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise BadPayload("body", "must be a JSON object")
    return payload


def json_or_form(body: str, *, max_fields: int = 100) -> Any:
    """A callback's body as a provider that sends either posts it: JSON (a body starting with
    `{` or `[`) or form fields (`id=…&status=…`, a repeated field's first value). Bounded in
    fields; an escaped NUL (`%00`) refused as in JSON (PostgreSQL keeps no NUL in text)."""
    text = body.strip()
    if text[:1] in ("{", "["):
        return json_body(text)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=max_fields)
    except ValueError:
        raise BadPayload(
            "body", f"must be a JSON object or at most {max_fields} form fields"
        ) from None
    if not pairs:
        raise BadPayload("body", "must be a JSON object or form fields")
    if any("\x00" in name or "\x00" in value for name, value in pairs):
        raise BadPayload("body", "must not contain NUL characters")
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def derived_id(*parts: str, prefix: str = "sha256-") -> str:
    """A stable id for a message its provider gave none: a hash of what the message is (its
    sender, number, time, text...), so the provider's retry of it is stored once. Two messages
    alike in every part are taken for one."""
    key = json.dumps(list(parts), ensure_ascii=False)
    return prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:48]
