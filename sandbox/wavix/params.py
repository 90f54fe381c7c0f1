"""Typed reading of request bodies and query strings. Bad input raises `Invalid`, whose message
names the field, the rule and the value, the way Wavix words it ("Missing or invalid
parameter <name>")."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.http import QueryDict

_MISSING = object()


class Invalid(Exception):
    def __init__(self, field: str, rule: str, value: Any = _MISSING):
        shown = "" if value is _MISSING else f" (got {_show(value)})"
        super().__init__(f"Missing or invalid parameter {field}: {rule}{shown}")
        self.field = field


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Params:
    """Fields of one JSON object (or a query string, whose values are all strings)."""

    def __init__(self, data: Mapping[str, Any] | QueryDict, prefix: str = ""):
        self.query = isinstance(data, QueryDict)
        self.data = data
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def has(self, key: str) -> bool:
        return key in self.data

    def only(self, allowed: Iterable[str]) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise Invalid(self.name(unknown[0]), "is not a known parameter")

    def _raw(self, key: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                raise Invalid(self.name(key), "is required")
            return _MISSING
        return self.data.get(key) if self.query else self.data[key]

    def str(
        self,
        key: str,
        *,
        required: bool = False,
        default: Any = None,
        blank: bool = True,
        max_length: int | None = None,
        choices: Iterable[str] | None = None,
        pattern: str | None = None,
        rule: str = "",
    ) -> Any:
        value = self._raw(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            raise Invalid(self.name(key), "must be a string", value)
        if not blank and not value.strip():
            raise Invalid(self.name(key), "must not be blank", value)
        if max_length is not None and len(value) > max_length:
            raise Invalid(self.name(key), f"must be at most {max_length} characters", value)
        if choices is not None and value not in choices:
            raise Invalid(self.name(key), f"must be one of {', '.join(choices)}", value)
        if pattern is not None and value and not re.fullmatch(pattern, value):
            raise Invalid(self.name(key), rule or f"must match {pattern}", value)
        return value

    def bool(self, key: str, *, required: bool = False, default: Any = None) -> Any:
        value = self._raw(key, required)
        if value is _MISSING:
            return default
        if self.query and value in ("true", "false", "1", "0"):
            return value in ("true", "1")
        if not isinstance(value, bool):
            raise Invalid(self.name(key), "must be true or false", value)
        return value

    def int(
        self,
        key: str,
        *,
        required: bool = False,
        default: Any = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        value = self._raw(key, required)
        if value is _MISSING:
            return default
        if self.query and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(self.name(key), "must be an integer", value)
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise Invalid(self.name(key), f"must be {bounds}", value)
        return value

    def decimal(self, key: str, *, required: bool = False, minimum: Decimal = Decimal(0)) -> Any:
        value = self._raw(key, required)
        if value is _MISSING:
            return None
        try:
            if isinstance(value, bool):
                raise TypeError
            number = Decimal(str(value))
        except (InvalidOperation, TypeError):
            raise Invalid(self.name(key), "must be a number", value) from None
        if not number.is_finite() or number < minimum:
            raise Invalid(self.name(key), f"must be a number >= {minimum}", value)
        return number

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.str(key, required=required)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid(self.name(key), "must be a date as YYYY-MM-DD", value) from None

    def url(self, key: str, *, required: bool = False, default: Any = None) -> Any:
        value = self.str(key, required=required, default=_MISSING)
        if value is _MISSING:
            return default
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Invalid(self.name(key), "must be an http(s) URL", value)
        return value

    def list(
        self,
        key: str,
        *,
        required: bool = False,
        max_items: int | None = None,
        nullable: bool = False,
    ) -> Any:
        value = self._raw(key, required)
        if value is _MISSING or value is None and nullable:
            return None
        if self.query:
            return self.data.getlist(key)
        if not isinstance(value, list):
            raise Invalid(self.name(key), "must be an array", value)
        if max_items is not None and len(value) > max_items:
            raise Invalid(self.name(key), f"must have at most {max_items} items", len(value))
        return value

    def strings(
        self, key: str, *, required: bool = False, nonempty: bool = False, nullable: bool = False
    ) -> Any:
        values = self.list(key, required=required, nullable=nullable)
        if values is None:
            return None
        if nonempty and not values:
            raise Invalid(self.name(key), "must not be empty")
        for i, item in enumerate(values):
            if not isinstance(item, str):
                raise Invalid(f"{self.name(key)}[{i}]", "must be a string", item)
        return values

    def obj(self, key: str, *, required: bool = False) -> Params | None:
        value = self._raw(key, required)
        if value is _MISSING or value is None and not required:
            return None
        if not isinstance(value, dict):
            raise Invalid(self.name(key), "must be an object", value)
        return Params(value, prefix=f"{self.name(key)}.")


# The documentation networks (RFC 5737 for IPv4, RFC 3849 for IPv6) count as public here:
# they are what examples and tests use, and the sandbox never connects to them.
EXAMPLE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def public_ip(field: str, value: str) -> str:
    """One public static IP address, IPv4 or IPv6: what Wavix's spec asks for a trunk's
    `allowed_ips[].ip` and `host_request.host` ("public static IP address"). The spec speaks
    of addresses only, never of networks, so a network in CIDR form is refused."""
    if "/" in value:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            pass
        else:
            raise Invalid(field, "must be one public static IP address, not a network", value)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise Invalid(field, "must be an IP address", value) from None
    example = any(
        address.version == network.version and address in network for network in EXAMPLE_NETWORKS
    )
    if not (address.is_global or example):
        raise Invalid(field, "must be a public static IP address", value)
    return str(address)
