"""The Apidaze channel (seed: Yeastar's Apidaze SMS channel): texts and MMS sent with the
account's API key and secret, delivery reports and inbound messages read from the channel's
two webhooks.

The wire format, and what in it is assumed (Apidaze documents only the send):
- Send: `POST {base_url}/{api_key}/sms/send?api_secret={secret}`, form-encoded fields
  `from`, `to`, `body`, numbers as digits without "+" (from Apidaze's SDK). An MMS adds one
  `media_url` field, the file's public address (assumed: Apidaze's MMS field is not
  documented; the seed gives its limits, at most 100 MB a file, kept 72 hours). The answer
  is JSON carrying the message id as `message_id` (or `id`); a 2xx whose `status` is
  "error" is a refusal, and a refusal's reason is its `message` (or `error`, `detail`).
- Check: `GET {base_url}/{api_key}/validates?api_secret={secret}` (assumed, as the SDK's
  "validates" resource): any 2xx means the key and secret work.
- Delivery reports (assumed: Apidaze's are not documented): a status callback posted to
  the channel's delivery-report URL, JSON or form-encoded, with the message's `message_id`
  (or `id`), its `status` (`queued`, `accepted`, `sent`, `delivered`, `undelivered`,
  `failed`, `rejected`, `expired`), optionally `error` (the reason) and `timestamp`.
- Inbound (field names uncertain, seen in third-party code): JSON or form-encoded, the
  sender as `caller_id_number` or `from`, our number as `destination_number` or `to`, the
  text as `text` or `body`, the id as `id` (or `message_id`), an MMS's file as `media_url`
  (one address, or a JSON list), and optionally `timestamp`.

Apidaze cannot be asked about a message it took, so there is no status lookup: after an
unknown outcome the outbox fails the message rather than risk sending it twice. Every call
goes through `ProviderHTTP`, with the key and the secret (both in the address) redacted.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from . import fields, register
from .apidaze_domain import domain_checks
from .base import Capabilities, DeliveryReport, InboundMessage, Outbound, Provider, SendResult
from .errors import BadPayload, ProviderError
from .http import Answer, ProviderHTTP

DEFAULT_BASE_URL = "https://api.apidaze.io"
MAX_TEXT = 10_000  # characters of an inbound text kept
MAX_MEDIA = 10  # files an inbound MMS may name
MAX_FIELDS = 50  # form fields read from a callback; Apidaze sends a handful
MAX_BASE_URL = 200
KEY_RULE = re.compile(r"^[A-Za-z0-9._~-]{1,100}$")  # the key is a segment of the address
SECRET_LIMIT = 200

STATUSES = {
    "queued": "accepted",
    "accepted": "accepted",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "undelivered",
    "failed": "undelivered",
    "rejected": "rejected",
    "expired": "expired",
}


def _reason(answer: Answer) -> str:
    """Apidaze's reason in a refusal: its `message` (or `error`, `detail`), else the text."""
    body = answer.json()
    if isinstance(body, dict):
        for name in ("message", "error", "detail"):
            if isinstance(body.get(name), str) and body[name].strip():
                return body[name].strip()
    return answer.text.strip()[:200]


def _accepted(answer: Answer) -> bool:
    body = answer.json()
    refused = isinstance(body, dict) and str(body.get("status", "")).lower() == "error"
    return 200 <= answer.status < 300 and not refused


def _first(payload: dict, *names: str) -> str:
    """The first of `names` the payload has (the uncertain names of one field)."""
    for name in names:
        if payload.get(name) not in (None, ""):
            return name
    return names[0]


def _media(payload: dict) -> tuple[str, ...]:
    value = payload.get("media_url")
    if value in (None, ""):
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(i, str) and 0 < len(i) <= 2000 for i in items):
        raise BadPayload("media_url", "must be one address or a list of addresses", value)
    if len(items) > MAX_MEDIA:
        raise BadPayload("media_url", f"must name at most {MAX_MEDIA} files")
    return tuple(items)


def _base_url(value: Any) -> str:
    url = str(value or DEFAULT_BASE_URL).strip().rstrip("/")
    schemes = ("https", "http") if settings.WAVIX_SANDBOX_ENABLED else ("https",)
    parts = urlsplit(url)
    if len(url) > MAX_BASE_URL or parts.scheme not in schemes or not parts.hostname:
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise ValidationError(
            {
                "base_url": f"The API address “{url[:80]}” must be an address starting "
                f"with {allowed} and at most {MAX_BASE_URL} characters."
            }
        )
    if parts.query or parts.fragment:
        raise ValidationError(
            {"base_url": f"The API address “{url[:80]}” must have no query (?) or fragment (#)."}
        )
    return url


def _credentials(credentials: dict) -> dict:
    """The key and the secret; errors say the rule without repeating a secret's value."""
    key = str(credentials.get("api_key") or "").strip()
    secret = str(credentials.get("api_secret") or "").strip()
    errors = {}
    if not key:
        errors["api_key"] = "The API key is required: copy it from Apidaze's console."
    elif not KEY_RULE.match(key):
        errors["api_key"] = (
            "The API key must be at most 100 letters, digits, dots, dashes or underscores "
            "(it is part of Apidaze's address); the one given is not."
        )
    if not secret:
        errors["api_secret"] = "The API secret is required: copy it from Apidaze's console."
    elif len(secret) > SECRET_LIMIT or not secret.isprintable() or " " in secret:
        errors["api_secret"] = (
            f"The API secret must be at most {SECRET_LIMIT} printable characters without "
            "spaces; the one given is not."
        )
    if errors:
        raise ValidationError(errors)
    return {"api_key": key, "api_secret": secret}


@register
class ApidazeProvider(Provider):
    kind = "apidaze"
    label = "Apidaze"
    capabilities = Capabilities(
        mms=True,
        alphanumeric=False,
        max_media=1,
        max_media_bytes=100 * 1024 * 1024,  # the seed: at most 100 MB a file
        status_lookup=False,
    )
    secret_names = ("api_key", "api_secret")
    setup_template = "messaging/setup/apidaze.html"
    media_retention_hours = 72  # the seed: Apidaze keeps an MMS file this long

    @classmethod
    def clean_settings(cls, config: dict, credentials: dict) -> tuple[dict, dict]:
        errors: dict[str, list[str]] = {}
        checked: dict = {}
        secrets: dict = {}
        try:
            checked["base_url"] = _base_url(config.get("base_url"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            secrets = _credentials(credentials)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        return checked, secrets

    def setup_notes(self, *, inbound_url: str, dlr_url: str) -> dict:
        return {
            "checks": domain_checks(inbound_url),
            "media_retention_hours": self.media_retention_hours,
        }

    # --- calls ---------------------------------------------------------------------------

    def _http(self) -> tuple[ProviderHTTP, str, str]:
        secrets = self.channel.secrets()
        key, secret = secrets.get("api_key", ""), secrets.get("api_secret", "")
        if not key or not secret:
            raise ProviderError(
                f"The channel {self.channel} has no Apidaze API key and secret: set them on "
                "its page.",
                transient=False,
            )
        # The secret also as it travels in the query (encoded), so no log shows it either way.
        shown = (key, secret, quote(secret, safe=""), quote_plus(secret))
        http = ProviderHTTP(self.channel, name="Apidaze", secrets=shown)
        return http, key, secret

    def _url(self, key: str, path: str) -> str:
        base = (self.channel.config or {}).get("base_url") or DEFAULT_BASE_URL
        return f"{base.rstrip('/')}/{quote(key, safe='')}/{path}"

    def send(self, outbound: Outbound) -> SendResult:
        http, key, secret = self._http()
        fields = {
            "from": outbound.sender.lstrip("+"),
            "to": outbound.recipient.lstrip("+"),
            "body": outbound.text,
        }
        if outbound.media:
            fields["media_url"] = outbound.media[0]
        answer = http.request(
            "POST",
            self._url(key, "sms/send"),
            params={"api_secret": secret},
            data=fields,
            sending=True,
            reason=_reason,
            accept=_accepted,
        )
        body = answer.json()
        message_id = ""
        if isinstance(body, dict):
            message_id = str(body.get("message_id") or body.get("id") or "")[:64]
        if not message_id:
            raise ProviderError(
                "Apidaze's answer to the send carried no message id.",
                transient=True,
                outcome_unknown=True,
                status_code=answer.status,
                detail=answer.text[:500],
            )
        return SendResult(provider_id=message_id, status="accepted", raw=body)

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        raise ProviderError("Apidaze cannot be asked about a message it took.", transient=False)

    def check(self) -> str:
        http, key, secret = self._http()
        http.request(
            "GET", self._url(key, "validates"), params={"api_secret": secret}, reason=_reason
        )
        return "Apidaze answered: the API key and secret work."

    # --- callbacks -------------------------------------------------------------------------

    def load(self, body: str) -> Any:
        """A callback's body: a JSON object, or form fields (Apidaze's format is uncertain,
        so both are read)."""
        return fields.json_or_form(body, max_fields=MAX_FIELDS)

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        body = fields.json_object(payload)
        status = fields.text(body, "status", limit=20).strip().lower()
        if status not in STATUSES:
            raise BadPayload("status", f"must be one of {', '.join(STATUSES)}", status)
        error = fields.text(body, "error", required=False, limit=255)
        return DeliveryReport(
            provider_id=fields.text(body, _first(body, "message_id", "id"), limit=64),
            status=STATUSES[status],
            at=fields.time_of(body, "timestamp"),
            reason=error,
            raw=body,
        )

    def parse_inbound(self, payload: Any) -> InboundMessage:
        body = fields.json_object(payload)
        sender = fields.digits(body, _first(body, "caller_id_number", "from"))
        recipient = fields.digits(body, _first(body, "destination_number", "to"))
        text_name = _first(body, "text", "body")
        text = body.get(text_name) or ""
        if not isinstance(text, str):
            raise BadPayload(text_name, "must be a string", text)
        if len(text) > MAX_TEXT:
            raise BadPayload(text_name, f"must be at most {MAX_TEXT} characters")
        media = _media(body)
        if not text and not media:
            raise BadPayload("text", "is required (or media_url, for an MMS)")
        at = fields.time_of(body, "timestamp")
        provider_id = fields.text(body, _first(body, "id", "message_id"), required=False, limit=64)
        if not provider_id:
            stamp = str(body.get("timestamp") or "")
            # Apidaze's inbound posts may carry no id: one derived from the post, stable
            # for its retry (no time given: the same text twice counts as one).
            provider_id = fields.derived_id(sender, recipient, stamp, text, *media)
        return InboundMessage(
            provider_id=provider_id,
            sender=sender,
            recipient=recipient,
            text=text,
            media=media,
            received_at=at,
            raw=body,
        )
