"""Whole numbers read from query strings and forms, with a message that names the parameter,
the value and the rule, instead of a 500 (or a silent default) on "abc", "²", "1.5", a NUL
byte or a number too large for the database."""

from __future__ import annotations

# The database's integers are 64-bit; nothing a person types is counted beyond that.
BIGINT_MAX = 2**63 - 1
MAX_DIGITS = 19


class ParamError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def shown(value: str, limit: int = 40) -> str:
    """A value as quoted back in a message: bounded, without control characters."""
    text = "".join(c if c.isprintable() else "?" for c in str(value)[:limit])
    return text + ("…" if len(str(value)) > limit else "")


def parse_int(name: str, raw: str, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int:
    """`raw` as a whole number from `minimum` to `maximum` (ASCII digits only: `int()` takes
    "²" as 2 in no version, but `str.isdigit()` does), or a ParamError saying why not."""
    text = str(raw).strip()
    body = text[1:] if text[:1] == "-" else text
    rule = f"use a whole number from {minimum} to {maximum}"
    if not (body.isascii() and body.isdigit()) or len(body) > MAX_DIGITS:
        raise ParamError(name, f"“{shown(raw)}” is not a whole number: {rule}.")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ParamError(name, f"{value} is out of range: {rule}.")
    return value


def optional_int(name: str, raw: str | None, **bounds) -> int | None:
    """As parse_int, with None for a missing or empty value."""
    if raw is None or str(raw).strip() == "":
        return None
    return parse_int(name, raw, **bounds)
