"""The DIDWW channel: outbound through an HTTP OUT SMS trunk (JSON:API `outbound_messages`,
Basic auth with the trunk's credentials), its status callbacks and delivery reports posted to
the trunk's Callback URL (our DLR webhook), and inbound through an HTTP IN trunk whose body the
user writes from DIDWW's placeholders (the channel page gives the template to paste).

DIDWW's HTTP IN body is a template, not a document DIDWW escapes: `{SMS_TEXT}` is put in raw,
so a quote or a new line in a message breaks the JSON. `load` then reads the fields one by one
(`didww_payloads.tolerant_fields`), and the base64 `data` is preferred over `text` whenever it is
there. DIDWW retries an HTTP IN delivery for up to an hour until it gets a 2xx: the dedupe key
is `{SMS_UUID}` when the template has it, else a hash of what the message is
(`didww_payloads.dedupe_id`).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from . import didww_payloads, register
from .base import Capabilities, DeliveryReport, InboundMessage, Outbound, Provider, SendResult
from .errors import BadPayload, ProviderError
from .http import Answer, ProviderHTTP

DEFAULT_BASE_URL = "https://sms-out.didww.com"
REGIONAL_BASE_URLS = ("https://us.sms-out.didww.com", "https://eu.sms-out.didww.com")
JSONAPI = "application/vnd.api+json"
MAX_USERNAME, MAX_PASSWORD = 100, 200

# The status callback says how DIDWW processed the message; the delivery report (DLR event)
# what the carrier did with it. Both arrive at the trunk's Callback URL, keyed by `data.id`.
CALLBACK_STATUSES = {"Success": "sent", "Routing error": "failed", "Failed": "failed"}
DLR_STATUSES = {"DELIVERED": "delivered", "FAILED": "undelivered", "EXPIRED": "expired"}
STATUSES = {**CALLBACK_STATUSES, **DLR_STATUSES}

# The two HTTP IN bodies the channel page offers: the one Ringotel documents, and the same
# with DIDWW's message id, which de-duplicates DIDWW's retries exactly.
TEMPLATE = (
    '{"to":"{SMS_DST_ADDR}","from":"{SMS_SRC_ADDR}","time":"{SMS_TIME}",'
    '"text":"{SMS_TEXT}","data":"{SMS_TEXT_BASE64_ENCODED}"}'
)
TEMPLATE_WITH_UUID = (
    '{"uuid":"{SMS_UUID}","to":"{SMS_DST_ADDR}","from":"{SMS_SRC_ADDR}","time":"{SMS_TIME}",'
    '"text":"{SMS_TEXT}","data":"{SMS_TEXT_BASE64_ENCODED}"}'
)


def digits(number: str) -> str:
    """DIDWW's numbers are digits without the `+` (a leading `+` is a 400 there)."""
    return str(number).strip().lstrip("+")


def errors_reason(answer: Answer) -> str:
    """DIDWW's reason from a JSON:API `errors[]` answer: each error's title and detail."""
    body = answer.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ""
    said = []
    for error in errors[:3]:
        if not isinstance(error, dict):
            continue
        title, detail = str(error.get("title") or ""), str(error.get("detail") or "")
        text = f"{title}: {detail}" if title and detail and title != detail else title or detail
        code = str(error.get("code") or "")
        if code and code != str(answer.status):
            text = f"{text} (code {code})"
        if text:
            said.append(text)
    return "; ".join(said)


def _base_url_error(value: str) -> str | None:
    if not value.isprintable() or any(c.isspace() for c in value):
        return "must be an https:// address, with no spaces"
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port  # both check what they read
    except ValueError:
        return "must be an https:// address"
    sandbox = settings.WAVIX_SANDBOX_ENABLED
    if parts.scheme not in ("https", "http") or not host:
        return "must be an https:// address"
    if parts.scheme == "http" and not sandbox:
        return "must be an https:// address (DIDWW serves its API over TLS only)"
    if parts.query or parts.fragment or parts.username:
        return "must be the host's address only, with no query, fragment or credentials"
    if parts.path.rstrip("/").endswith("/outbound_messages"):
        return "must be the host's address, without /outbound_messages (added when sending)"
    return None


@register
class DidwwProvider(Provider):
    kind = "didww"
    label = "DIDWW"
    # The HTTP OUT format has `content` only: text, no media (MMS) and no alphanumeric
    # sender (a source is one of the trunk's DIDs). DIDWW offers no way to look a message up,
    # so an unknown outcome fails the message rather than risk a second send.
    capabilities = Capabilities(mms=False, alphanumeric=False, max_rate=10.0, status_lookup=False)
    secret_names = ("username", "password")
    setup_template = "messaging/setup/didww.html"

    @classmethod
    def clean_settings(cls, config: dict, credentials: dict) -> tuple[dict, dict]:
        errors: dict[str, str] = {}
        base_url = str(config.get("base_url") or DEFAULT_BASE_URL).strip().rstrip("/")
        if len(base_url) > 200:
            errors["base_url"] = f"The address “{base_url[:40]}…” must be at most 200 characters."
        elif (rule := _base_url_error(base_url)) is not None:
            errors["base_url"] = f"The address “{base_url}” {rule}."
        checked: dict[str, str] = {}
        for name, label, limit in (
            ("username", "username", MAX_USERNAME),
            ("password", "password", MAX_PASSWORD),
        ):
            value = str(credentials.get(name) or "")
            # A username is trimmed; a password is kept exactly as typed.
            value = value.strip() if name == "username" else value
            if not value.strip():
                errors[name] = (
                    f"Give the HTTP OUT trunk's {label} (DIDWW shows it by the key icon)."
                )
            elif len(value) > limit:
                errors[name] = f"The {label} has {len(value)} characters; at most {limit}."
            elif not value.isprintable():
                errors[name] = f"The {label} must hold printable characters only."
            checked[name] = value
        if errors:
            raise ValidationError(errors)
        return {"base_url": base_url}, checked

    def setup_notes(self, *, inbound_url: str, dlr_url: str) -> dict:
        return {
            "templates": [
                {"id": "didww-template", "label": "Request body", "body": TEMPLATE},
                {
                    "id": "didww-template-uuid",
                    "label": "Request body with DIDWW's message id (exact de-duplication)",
                    "body": TEMPLATE_WITH_UUID,
                },
            ],
            "base_url": self.base_url,
            "simulate_url": _simulate_url(),
        }

    # --- sending -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return str((self.channel.config or {}).get("base_url") or DEFAULT_BASE_URL).rstrip("/")

    def _credentials(self) -> tuple[str, str]:
        secrets = self.channel.secrets()
        username, password = secrets.get("username") or "", secrets.get("password") or ""
        if not username or not password:
            raise ProviderError(
                f"The channel {self.channel} has no DIDWW trunk credentials; set them on its page.",
                transient=False,
            )
        return username, password

    def http(self) -> ProviderHTTP:
        username, password = self._credentials()
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        return ProviderHTTP(self.channel, name="DIDWW", secrets=(password, username, token))

    def send(self, outbound: Outbound) -> SendResult:
        """One POST {base_url}/outbound_messages; 201 with the message id in `data.id`. The
        callback URL is the trunk's (set on DIDWW), never sent with the message."""
        if outbound.media:
            raise ProviderError(
                "DIDWW's HTTP OUT trunk sends text only; this message has media.", transient=False
            )
        body = {
            "data": {
                "type": "outbound_messages",
                "attributes": {
                    "destination": digits(outbound.recipient),
                    "source": digits(outbound.sender),
                    "content": outbound.text,
                },
            }
        }
        answer = self.http().request(
            "POST",
            f"{self.base_url}/outbound_messages",
            json_body=body,
            headers={"Content-Type": JSONAPI, "Accept": JSONAPI},
            auth=self._credentials(),
            sending=True,
            reason=errors_reason,
        )
        return _result(answer)

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        raise ProviderError("DIDWW has no way to look a message up.", transient=False)

    def check(self) -> str:
        return (
            "DIDWW's SMS OUT host has no call that proves the trunk's credentials without "
            "sending a message: the test send is the check (a 401 there names the credentials)."
        )

    # --- callbacks -----------------------------------------------------------------------

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        data, attributes = _resource(payload)
        status = attributes.get("status")
        if not isinstance(status, str) or status not in STATUSES:
            rule = f"must be one of {', '.join(STATUSES)}"
            raise BadPayload("data.attributes.status", rule, status)
        code = didww_payloads.whole(attributes, "code_id", where="data.attributes")
        reason = ""
        if STATUSES[status] in ("failed", "undelivered", "expired"):
            reason = f"DIDWW: {status}" + (f" (code {code})" if code is not None else "")
        return DeliveryReport(
            provider_id=didww_payloads.text(data, "id", where="data", limit=64),
            status=STATUSES[status],
            at=didww_payloads.iso_time(attributes, ("end_time", "time", "time_start")),
            segments=didww_payloads.whole(attributes, "fragments_sent", where="data.attributes"),
            reason=reason,
            raw=payload,
        )

    def load(self, body: str) -> Any:
        return didww_payloads.load(body)

    def parse_inbound(self, payload: Any) -> InboundMessage:
        return didww_payloads.parse(payload)


def _simulate_url() -> str:
    """The fake DIDWW's "simulate inbound" page, where it is installed (make run)."""
    if not settings.WAVIX_SANDBOX_ENABLED or not apps.is_installed("sandbox.didww"):
        return ""
    return reverse("didww_sandbox:simulate_inbound")


def _resource(payload: Any) -> tuple[dict, dict]:
    """(data, data.attributes) of a JSON:API document, or BadPayload naming what is missing."""
    if not isinstance(payload, dict):
        raise BadPayload("body", "must be a JSON:API document (an object)")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise BadPayload("data", "must be a JSON:API resource object")
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise BadPayload("data.attributes", "must be an object")
    return data, attributes


def _result(answer: Answer) -> SendResult:
    body = answer.json()
    data = body.get("data") if isinstance(body, dict) else None
    message_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(message_id, str | int) or not str(message_id).strip():
        raise ProviderError(
            "DIDWW's answer to the send carried no message id.",
            transient=True,
            outcome_unknown=True,
            status_code=answer.status,
            detail=answer.text[:500],
        )
    return SendResult(provider_id=str(message_id)[:64], status="accepted", raw=body)
