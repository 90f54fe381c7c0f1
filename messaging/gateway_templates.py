"""A templated HTTP SMS gateway's wire format, as Splynx-style settings describe it (no Django
here): the payload template with `%TO%`, `%FROM%` and `%MESSAGE%` rendered with each value
escaped for the content type, GET putting the form payload in the query string, the custom
header lines, the success test, the message id picked from an answer and the balance read
from one.

Every error is a `TemplateError` naming the setting, the value and the rule.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote_plus, urlsplit

METHODS = ("GET", "POST")
JSON, FORM = "json", "form"
CONTENT_TYPES = (JSON, FORM)
MEDIA_TYPES = {JSON: "application/json", FORM: "application/x-www-form-urlencoded"}
PLACEHOLDER = re.compile(r"%(TO|FROM|MESSAGE)%")
MAX_TEMPLATE = 4000
MAX_HEADERS = 20
MAX_HEADER_LINE = 2000
MAX_PATH = 200
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")
PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
FIELD_PATH = re.compile(r"(?:\[\d+\]|[^.\[\]]+)(?:\.?\[\d+\]|\.[^.\[\]]+)*")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
REGEX_PREFIX = "re:"


class TemplateError(ValueError):
    """A gateway setting that cannot work: `field` is the setting, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _shown(value: object) -> str:
    text = str(value)
    return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"


def check_url(field: str, url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise TemplateError(
            field, f"The address {_shown(url)} must be an http:// or https:// URL with a host."
        )
    return url


def check_method(field: str, method: str) -> str:
    method = (method or "").strip().upper()
    if method not in METHODS:
        raise TemplateError(field, f"The method {_shown(method)} must be GET or POST.")
    return method


def check_content_type(method: str, content_type: str) -> str:
    if content_type not in CONTENT_TYPES:
        raise TemplateError(
            "content_type", f"The content type {_shown(content_type)} must be JSON or form."
        )
    if content_type == JSON and method != "POST":
        raise TemplateError(
            "content_type",
            "JSON can be used only with the POST method: choose POST, or the form content "
            "type for GET.",
        )
    return content_type


def escape(value: str, content_type: str) -> str:
    """`value` as it goes inside the template: the content of a JSON string, or URL-encoded."""
    if content_type == JSON:
        return json.dumps(value, ensure_ascii=False)[1:-1]
    return quote_plus(value, safe="")


def render(template: str, content_type: str, *, to: str, sender: str, text: str) -> str:
    """The payload with each placeholder replaced once (a value that itself reads `%TO%` is
    not replaced again). A JSON payload must parse as JSON."""
    values = {"TO": to, "FROM": sender, "MESSAGE": text}
    rendered = PLACEHOLDER.sub(lambda m: escape(values[m.group(1)], content_type), template)
    if content_type == JSON:
        try:
            json.loads(rendered)
        except ValueError as exc:
            raise TemplateError(
                "payload",
                f"The payload template {_shown(template)} does not render to JSON ({exc}); "
                'put each placeholder inside quotes, as "%MESSAGE%".',
            ) from None
    return rendered


def check_template(template: str, content_type: str) -> str:
    """The template, after a trial render with values that need escaping."""
    if not template.strip():
        raise TemplateError("payload", "The payload template is required.")
    if len(template) > MAX_TEMPLATE:
        raise TemplateError(
            "payload", f"The payload template must be at most {MAX_TEMPLATE} characters."
        )
    if "%MESSAGE%" not in template:
        raise TemplateError(
            "payload", f"The payload template {_shown(template)} must contain %MESSAGE%."
        )
    if "%TO%" not in template:
        raise TemplateError(
            "payload", f"The payload template {_shown(template)} must contain %TO%."
        )
    render(template, content_type, to="15551234567", sender="15557654321", text='a "b" & c=d\n')
    return template


def send_url(url: str, method: str, payload: str) -> str:
    """The address of a send: with GET, the form payload is its query string."""
    if method != "GET":
        return url
    return f"{url}{'&' if '?' in url else '?'}{payload}"


def parse_headers(text: str) -> list[tuple[str, str]]:
    """`Name: value` lines (blank lines skipped) as pairs."""
    pairs: list[tuple[str, str]] = []
    lines = [line.strip() for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_HEADERS:
        raise TemplateError("headers", f"At most {MAX_HEADERS} header lines.")
    for number, line in enumerate(lines, 1):
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        # Only the header's name is shown: its value is usually the secret.
        named = bool(colon and HEADER_NAME.match(name))
        if len(line) > MAX_HEADER_LINE or not named or not value:
            # Without a colon the whole line may be the secret: shown only when a name.
            which = f" ({_shown(name)})" if named else ""
            raise TemplateError(
                "headers",
                f"Header line {number}{which} must read “Name: value”, with a name of letters, "
                "digits and dashes and a value.",
            )
        if "<" in value and ">" in value:
            raise TemplateError(
                "headers",
                f"Header line {number} ({_shown(name)}) still holds a placeholder in <…>: "
                "replace it with your own value.",
            )
        pairs.append((name, value))
    return pairs


def is_success(status: int, text: str, success_text: str) -> bool:
    """A 2xx answer that contains the success text (blank: any 2xx)."""
    return 200 <= status < 300 and (not success_text or success_text in text)


def check_path(field: str, path: str) -> str:
    """A field path (`id`, `data.0.id`, `messages[0].apiMessageId`) or `re:` and a regular
    expression (its first group, else the whole match)."""
    path = (path or "").strip()
    if len(path) > MAX_PATH:
        raise TemplateError(field, f"The path must be at most {MAX_PATH} characters.")
    if path.startswith(REGEX_PREFIX):
        try:
            re.compile(path[len(REGEX_PREFIX) :])
        except re.error as exc:
            raise TemplateError(
                field, f"The regular expression {_shown(path)} does not compile: {exc}."
            ) from None
    elif path and not FIELD_PATH.fullmatch(path):
        raise TemplateError(field, f"The path {_shown(path)} is not a field path.")
    return path


def value_at(document: Any, path: str) -> Any:
    """The value at a field path in a parsed JSON document (or form fields), None if absent."""
    found = document
    for match in PATH_PART.finditer(path):
        index, key = match.group(1), match.group(2)
        if index is None and isinstance(found, list) and key.isdigit():
            index = key
        if index is not None:
            if not isinstance(found, list) or int(index) >= len(found):
                return None
            found = found[int(index)]
        elif isinstance(found, dict) and key in found:
            found = found[key]
        else:
            return None
    return found


def pick(text: str, path: str) -> str | None:
    """The value at `path` in a JSON answer (or the regex's match in any answer); None when
    it is not there."""
    if not path:
        return None
    if path.startswith(REGEX_PREFIX):
        match = re.search(path[len(REGEX_PREFIX) :], text)
        if match is None:
            return None
        return match.group(1) if match.groups() else match.group(0)
    try:
        document = json.loads(text)
    except ValueError:
        return None
    value = value_at(document, path)
    if value is None or isinstance(value, dict | list | bool):
        return None
    return str(value)


def parse_balance(text: str, field: str = "") -> Decimal:
    """The balance in an answer: the value of `field` (a path, as `credits.balance`), or
    the first number anywhere in it."""
    field = (field or "").strip()
    if field:
        value = pick(text, field)
        if value is None:
            # Not JSON (or not there): a `field=12.5` or `"field": 12.5` in the text.
            key = re.escape(field.rsplit(".", 1)[-1])
            match = re.search(rf"{key}\"?\s*[:=]\s*\"?(-?\d+(?:\.\d+)?)", text)
            value = match.group(1) if match else None
        if value is None:
            raise TemplateError(
                "balance_field", f"The answer has no balance field {_shown(field)}."
            )
    else:
        match = NUMBER.search(text)
        if match is None:
            raise TemplateError("balance_field", "The answer holds no number to read as balance.")
        value = match.group(0)
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise TemplateError(
            "balance_field", f"The balance {_shown(value)} in the answer is not a number."
        ) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise TemplateError("balance_field", f"The balance {_shown(value)} is out of range.")
    return amount
