"""The Wavix channel: sends through portal/wavix/ (the one Wavix client), and reads Wavix's
delivery reports (`MessagesDeliveryReport`) and inbound messages (`InboundMessage`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from portal.wavix import errors as wavix_errors
from portal.wavix.client import MESSAGES_PATH, WavixClient

from .. import debuglog
from . import fields, register
from .base import Capabilities, DeliveryReport, InboundMessage, Outbound, Provider, SendResult
from .errors import BadPayload, ProviderError

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


@register
class WavixProvider(Provider):
    kind = "wavix"
    label = "Wavix"
    capabilities = Capabilities(
        mms=True,
        alphanumeric=True,
        max_rate=100.0,
        max_media=5,
        status_lookup=True,
        reports_carry_tag=True,
    )

    # --- sending: the outbox's part --------------------------------------------------------

    def client(self) -> WavixClient:
        account = self.channel.wavix_account
        if account is None:
            raise ProviderError(
                f"The channel {self.channel} has no Wavix account.", transient=False
            )
        # No quick repeats inside a call: the outbox schedules every retry itself, at the
        # channel's rate, and a send is never repeated by the client.
        return WavixClient.for_account(account, max_retries=0)

    def send(self, outbound: Outbound) -> SendResult:
        """One POST /v3/messages (`WavixClient.send_message_once`): no lookup and no second
        send here. An unknown outcome is raised as such and the outbox looks the tag up on
        a later attempt, after Wavix has had time to list the message."""
        client = self.client()
        request = {
            "sender": outbound.sender,
            "to": outbound.recipient,
            "text": outbound.text,
            "media": list(outbound.media) or None,
            "callback_url": outbound.callback_url or None,
            "validity": outbound.validity_seconds,
            "tag": outbound.tag,
        }
        answer = self._call(
            "POST", MESSAGES_PATH, request, lambda: client.send_message_once(**request)
        )
        return self._result(answer, outbound.tag)

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        client = self.client()
        if provider_id:
            path = f"{MESSAGES_PATH}/{provider_id}"
            try:
                found = self._call("GET", path, None, lambda: client.get_message(provider_id))
            except ProviderError as exc:
                if exc.status_code == 404:
                    return None
                raise
        else:
            path = f"{MESSAGES_PATH}?type=outbound&tag={tag}"
            found = self._call("GET", path, None, lambda: client.find_message_by_tag(tag))
        return self._result(found, tag) if found else None

    def check(self) -> str:
        client = self.client()
        profile = self._call("GET", "/v1/profile", None, client.get_profile) or {}
        name = profile.get("company_name") or profile.get("email") or "the account"
        return f"Wavix answered: the API key works for {name}."

    def _call(self, method: str, path: str, request: Any, call: Callable[[], Any]) -> Any:
        """The call, kept in the channel's debug log, with Wavix's errors as ProviderErrors."""
        started = time.monotonic()
        try:
            answer = call()
        except wavix_errors.WavixError as exc:
            self._log(method, path, request, started, status=exc.status, error=str(exc))
            raise _provider_error(exc) from None
        self._log(method, path, request, started, status=200, answer=answer)
        return answer

    def _log(self, method, path, request, started, *, status=None, answer=None, error=""):
        account = self.channel.wavix_account
        debuglog.debuglog_record(
            channel=self.channel,
            method=method,
            url=f"{account.base_url.rstrip('/')}{path}" if account else path,
            status_code=status,
            request=request,
            response=answer,
            duration_ms=int((time.monotonic() - started) * 1000),
            error=error,
            secrets=(account.api_key,) if account else (),
        )

    @staticmethod
    def _result(answer: Any, tag: str) -> SendResult:
        if not isinstance(answer, dict) or not answer.get("message_id"):
            raise ProviderError(
                "Wavix's answer to the send carried no message id.",
                transient=True,
                outcome_unknown=True,
                detail=str(answer)[:500],
            )
        status = STATUSES.get(str(answer.get("status") or "accepted"), "accepted")
        try:
            segments = fields.whole(answer, "segments")
            charge = fields.money(answer, "charge")
            fees = fields.money(answer, "carrier_fees")
        except BadPayload:
            segments = charge = fees = None
        return SendResult(
            provider_id=str(answer["message_id"])[:64],
            status=status,
            segments=segments,
            charge=charge,
            carrier_fees=fees,
            reason=str(answer.get("error_message") or "")[:255],
            raw=answer,
        )

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        body = fields.json_object(payload)
        status = fields.text(body, "status", limit=20)
        if status not in STATUSES:
            raise BadPayload("status", f"must be one of {', '.join(STATUSES)}", status)
        # Older senders name the count `segments`.
        segments = fields.whole(body, "segments_count")
        if segments is None:
            segments = fields.whole(body, "segments")
        error = body.get("error")
        return DeliveryReport(
            provider_id=fields.text(body, "message_id"),
            status=STATUSES[status],
            at=fields.time_of(body, "delivered") or fields.time_of(body, "sent"),
            segments=segments,
            charge=fields.money(body, "charge"),
            carrier_fees=fields.money(body, "carrier_fees"),
            reason=str(error)[:255] if error else "",
            tag=fields.text(body, "tag", required=False),
            raw=body,
        )

    def parse_inbound(self, payload: Any) -> InboundMessage:
        body = fields.json_object(payload)
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
            provider_id=fields.text(body, "message_id"),
            sender=fields.digits(body, "from"),
            recipient=fields.digits(body, "to"),
            text=text,
            media=tuple(media),
            received_at=fields.time_of(body, "received_at"),
            raw=body,
        )


def _provider_error(exc: wavix_errors.WavixError) -> ProviderError:
    """What the outbox must know of a Wavix error: retry (429, 5xx, no answer), look the tag
    up first (the request may have been applied: no answer, a 5xx, an answer we could not
    read), or stop with Wavix's reason (a refusal)."""
    status = exc.status
    common = {"status_code": status, "retry_after": exc.retry_after, "detail": str(exc)}
    if isinstance(exc, wavix_errors.WavixRateLimited):
        return ProviderError("Wavix asked to slow down (429).", transient=True, **common)
    if isinstance(exc, wavix_errors.WavixServerError):
        # A gateway's 5xx may come after Wavix applied the request: treated as unknown.
        return ProviderError(
            f"Wavix had a server error ({status}).",
            transient=True,
            outcome_unknown=True,
            **common,
        )
    if isinstance(exc, wavix_errors.WavixNetworkError):
        if exc.outcome_unknown:
            return ProviderError(
                "Wavix did not answer after the request was sent.",
                transient=True,
                outcome_unknown=True,
                **common,
            )
        return ProviderError("Wavix could not be reached.", transient=True, **common)
    if status is not None and status < 300:
        return ProviderError(
            "Wavix's answer could not be read.", transient=True, outcome_unknown=True, **common
        )
    return ProviderError(exc.message or str(exc), transient=False, **common)
