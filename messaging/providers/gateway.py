"""Any HTTP SMS gateway, configured as Splynx configures one (gateway_templates.py renders
the request): the send is the payload template rendered and sent with the custom headers
(a secret, encrypted and redacted everywhere); success is a 2xx holding the success text;
the message id is picked from the answer. Such a gateway's callbacks have no one format, so
delivery reports and inbound messages are read from JSON or form bodies by configured field
names. No status lookup: an unknown outcome fails rather than risk a second send."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .. import gateway_templates as gt
from . import fields, register
from .base import (
    Capabilities,
    DeliveryReport,
    InboundMessage,
    Outbound,
    Provider,
    SendResult,
)
from .errors import BadPayload, ProviderError
from .http import Answer, ProviderHTTP

INTERVALS = {"5min": 5 * 60, "hour": 3600, "day": 86400}
FIELD_DEFAULTS = {
    "dlr_id_field": "id",
    "dlr_status_field": "status",
    "inbound_from_field": "from",
    "inbound_to_field": "to",
    "inbound_text_field": "text",
    "inbound_id_field": "id",
}
# Common words of gateways' delivery reports (SMPP's DLR states among them), lowercased.
STATUSES = {
    "delivered": "delivered",
    "delivrd": "delivered",
    "failed": "undelivered",
    "undeliv": "undelivered",
    "undelivered": "undelivered",
    "hard-bounce": "undelivered",
    "rejectd": "rejected",
    "rejected": "rejected",
    "expired": "expired",
    "sent": "sent",
    "accepted": "sent",
    "ack": "sent",
    "enroute": "sent",
    "received_by_recipient": "delivered",  # Clickatell's
    "delivered_to_gateway": "sent",
}
MAX_TEXT = 10_000
MAX_FORM_FIELDS = 100


def _bool(value: Any) -> bool:
    return value in (True, "true", "True", "on", "1", 1)


def _field_value(body: dict, path: str, *, required: bool = True, limit: int = 100) -> str:
    value = gt.value_at(body, path)
    if value is None or value == "":
        if required:
            raise BadPayload(path, "is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadPayload(path, "must be a string", value)
    value = str(value).strip()
    if len(value) > limit:
        raise BadPayload(path, f"must be at most {limit} characters", value)
    return value


def _digits(body: dict, path: str) -> str:
    value = _field_value(body, path, limit=20).lstrip("+")
    if not value.isdigit():
        raise BadPayload(path, "must be a phone number in digits", value)
    return value


@register
class GatewayProvider(Provider):
    kind = "gateway"
    label = "HTTP SMS gateway"
    capabilities = Capabilities(mms=False, alphanumeric=True, max_rate=50.0)
    secret_names = ("headers",)
    setup_template = "messaging/channel_gateway_side.html"

    # --- settings --------------------------------------------------------------------------

    @classmethod
    def clean_settings(cls, config: dict, credentials: dict) -> tuple[dict, dict]:
        errors: dict[str, str] = {}
        clean: dict[str, Any] = {}

        def check(name: str, fn) -> None:
            try:
                clean[name] = fn()
            except gt.TemplateError as exc:
                errors.setdefault(exc.field, exc.message)
            except ValidationError as exc:
                errors.setdefault(name, " ".join(exc.messages))

        def get(name: str, default: Any = None) -> Any:
            # Values from the API may be of any JSON type: checked as the text they read.
            value = config.get(name, default)
            return value if value is None or isinstance(value, bool) else str(value)

        check("url", lambda: gt.check_url("url", get("url") or ""))
        check("method", lambda: gt.check_method("method", get("method") or "POST"))
        method = clean.get("method", "POST")
        check("content_type", lambda: gt.check_content_type(method, get("content_type") or ""))
        content_type = clean.get("content_type", gt.FORM)
        check("payload", lambda: gt.check_template(get("payload") or "", content_type))
        clean["verify_tls"] = _bool(get("verify_tls", True))
        check("success_text", lambda: _short("success_text", get("success_text"), 200))
        check("id_path", lambda: gt.check_path("id_path", get("id_path") or ""))
        for name, default in FIELD_DEFAULTS.items():
            check(name, lambda n=name, d=default: gt.check_path(n, get(n) or d) or d)
        check("balance_url", lambda: _optional_url(get("balance_url")))
        check("balance_field", lambda: gt.check_path("balance_field", get("balance_field") or ""))
        check(
            "balance_method",
            lambda: gt.check_method("balance_method", get("balance_method") or "GET"),
        )
        check("balance_interval", lambda: _interval(get("balance_interval") or "hour"))
        check("balance_email", lambda: _email(get("balance_email")))
        clean["balance_dashboard"] = _bool(get("balance_dashboard", False))
        check("balance_minimum", lambda: _minimum(get("balance_minimum")))
        headers = ""
        try:
            pairs = gt.parse_headers(str(credentials.get("headers") or ""))
            headers = "\n".join(f"{name}: {value}" for name, value in pairs)
        except gt.TemplateError as exc:
            errors["headers"] = exc.message
        if errors:
            raise ValidationError(errors)
        return clean, ({"headers": headers} if headers else {})

    # --- the HTTP client -------------------------------------------------------------------

    @property
    def config(self) -> dict:
        return self.channel.config or {}

    def headers(self) -> dict[str, str]:
        return dict(gt.parse_headers(self.channel.secrets().get("headers") or ""))

    def http(self, read_timeout: float | None = None) -> ProviderHTTP:
        # Each header's value is a secret, and so is its credential alone (after "Basic ").
        values = list(self.headers().values())
        secrets = [*values, *(v.split()[-1] for v in values)]
        return ProviderHTTP(
            self.channel,
            name=self.channel.name or "The gateway",
            secrets=tuple(secrets),
            verify=_bool(self.config.get("verify_tls", True)),
            read_timeout=read_timeout,
        )

    # --- sending ---------------------------------------------------------------------------

    def send(self, outbound: Outbound) -> SendResult:
        config = self.config
        method, content_type = config.get("method", "POST"), config.get("content_type", "form")
        try:
            payload = gt.render(
                config.get("payload", ""),
                content_type,
                to=outbound.recipient,
                sender=outbound.sender,
                text=outbound.text,
            )
        except gt.TemplateError as exc:
            raise ProviderError(exc.message, transient=False) from None
        headers = self.headers()
        data = None
        if method == "POST":
            data = payload.encode("utf-8")
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = f"{gt.MEDIA_TYPES[content_type]}; charset=utf-8"
        success = config.get("success_text", "")
        answer = self.http().request(
            method,
            gt.send_url(config.get("url", ""), method, payload),
            data=data,
            headers=headers,
            sending=True,
            accept=lambda a: gt.is_success(a.status, a.text, success),
            reason=_reason,
        )
        picked = gt.pick(answer.text, config.get("id_path", ""))
        return SendResult(
            # With no id in the answer, the message is known by our tag: unique per message,
            # and what a gateway given it in the payload would report back.
            provider_id=(picked or outbound.tag)[:64],
            status="accepted",
            raw={"status": answer.status, "answer": answer.text[:2000]},
        )

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        return None

    # --- the balance -----------------------------------------------------------------------

    def balance(self, read_timeout: float | None = None) -> Decimal:
        """The account's balance as the gateway answers it. Raises ProviderError."""
        config = self.config
        url = config.get("balance_url") or ""
        if not url:
            raise ProviderError("The channel has no balance check address.", transient=False)
        answer = self.http(read_timeout).request(
            config.get("balance_method", "GET"), url, headers=self.headers(), reason=_reason
        )
        try:
            return gt.parse_balance(answer.text, config.get("balance_field", ""))
        except gt.TemplateError as exc:
            raise ProviderError(exc.message, transient=False, detail=answer.text[:500]) from None

    def check(self) -> str:
        if not self.config.get("balance_url"):
            return "The gateway's settings are complete; send a test message to try them."
        return f"The gateway answered: the balance is {self.balance()}."

    # --- callbacks -------------------------------------------------------------------------

    def load(self, body: str) -> Any:
        """A JSON document, or form fields (`id=...&status=...`) as a dict."""
        return fields.json_or_form(body, max_fields=MAX_FORM_FIELDS)

    def _field(self, name: str) -> str:
        return self.config.get(name) or FIELD_DEFAULTS[name]

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        body = _one(payload)
        status_field = self._field("dlr_status_field")
        status = _field_value(body, status_field, limit=40)
        mapped = STATUSES.get(status.lower())
        if mapped is None:
            raise BadPayload(status_field, f"must be one of {', '.join(STATUSES)}", status)
        return DeliveryReport(
            provider_id=_field_value(body, self._field("dlr_id_field")),
            status=mapped,
            raw=body,
        )

    def parse_inbound(self, payload: Any) -> InboundMessage:
        body = _one(payload)
        text_field = self._field("inbound_text_field")
        if gt.value_at(body, text_field) is None and "message" in body:
            text_field = "message"
        text = gt.value_at(body, text_field)
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise BadPayload(text_field, "must be a string", text)
        if len(text) > MAX_TEXT:
            raise BadPayload(text_field, f"must be at most {MAX_TEXT} characters")
        sender = _digits(body, self._field("inbound_from_field"))
        recipient = _digits(body, self._field("inbound_to_field"))
        provider_id = _field_value(body, self._field("inbound_id_field"), required=False)
        if not provider_id:
            # A gateway that gives no id: one derived from what the message is (and its time,
            # when the gateway sends one), so the gateway's retry of it is stored once.
            when = str(body.get("time") or body.get("timestamp") or "")
            provider_id = fields.derived_id(sender, recipient, when, text, prefix="h-")
        return InboundMessage(
            provider_id=provider_id, sender=sender, recipient=recipient, text=text, raw=body
        )

    def setup_notes(self, *, inbound_url: str, dlr_url: str) -> dict:
        from ..models import ChannelBalance

        return {
            "balance": ChannelBalance.objects.filter(channel=self.channel).first(),
            "dlr_fields": (self._field("dlr_id_field"), self._field("dlr_status_field")),
            "inbound_fields": tuple(
                self._field(n)
                for n in ("inbound_from_field", "inbound_to_field", "inbound_text_field")
            ),
            "balance_enabled": bool(self.config.get("balance_url")),
        }


def _one(payload: Any) -> dict:
    # Some gateways post a list of one report.
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    if not isinstance(payload, dict):
        raise BadPayload("body", "must be a JSON object or form fields")
    return payload


def _reason(answer: Answer) -> str:
    """A gateway's reason: a common error field of a JSON answer, else the answer's start."""
    document = answer.json()
    for path in ("error.description", "error", "message", "detail", "errors[0].description"):
        value = gt.value_at(document, path) if isinstance(document, dict | list) else None
        if isinstance(value, str) and value:
            return value
    text = answer.text.strip()
    # An HTML page (a proxy's, a framework's error page) says nothing a person can use here.
    return "" if text.startswith("<") else text[:120]


def _short(name: str, value: Any, limit: int) -> str:
    value = str(value or "")
    if len(value) > limit:
        raise gt.TemplateError(name, f"Must be at most {limit} characters.")
    return value


def _optional_url(value: Any) -> str:
    value = str(value or "").strip()
    return gt.check_url("balance_url", value) if value else ""


def _interval(value: str) -> str:
    if value not in INTERVALS:
        raise gt.TemplateError(
            "balance_interval", f"The interval “{value}” must be 5min, hour or day."
        )
    return value


def _email(value: Any) -> str:
    value = str(value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise gt.TemplateError(
                "balance_email", f"“{value[:80]}” is not an e-mail address."
            ) from None
    return value


def _minimum(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) >= Decimal("1e9"):
        raise gt.TemplateError(
            "balance_minimum", f"The minimum balance “{str(value)[:40]}” must be a number."
        )
    return str(amount)
