"""The one interface every messaging provider implements (Wavix now; DIDWW, Apidaze and
templated HTTP gateways next). The outbox, the webhooks and the send service speak only this;
each adapter turns it into its provider's wire format through that provider's one HTTP client.

Errors an adapter raises are `ProviderError`s (errors.py) that say whether the failure is
transient (retry later), a refusal (final, with the provider's reason), or an unknown outcome
(the request left and no answer came: look the message up by its tag, never send it again
blindly).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from .errors import BadPayload


@dataclass(frozen=True)
class Capabilities:
    mms: bool = False
    alphanumeric: bool = False
    max_rate: float = 100.0  # messages per second the provider accepts from one account
    max_media: int = 5
    max_media_bytes: int = 5 * 1024 * 1024
    mms_countries: tuple[str, ...] = ("US", "CA")
    status_lookup: bool = False  # can look a message up by its id or tag
    # Its delivery reports carry our tag (Wavix's do): a report whose message is not found is
    # about no message of ours. Without it a report may come before the send's answer (the id).
    reports_carry_tag: bool = False


@dataclass(frozen=True)
class Outbound:
    """A message as the outbox hands it to a provider."""

    sender: str  # E.164 digits (numeric) or the name (alphanumeric)
    recipient: str  # E.164 digits
    text: str
    media: tuple[str, ...] = ()
    tag: str = ""  # ours, unique per message: how a lost answer is found again
    callback_url: str = ""  # the channel's delivery-report webhook
    validity_seconds: int | None = None


@dataclass(frozen=True)
class SendResult:
    """The provider's answer to a send (or what a lookup by tag found)."""

    provider_id: str
    status: str  # one of messaging.models.MessageStatus
    segments: int | None = None
    charge: Decimal | None = None
    carrier_fees: Decimal | None = None
    reason: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryReport:
    provider_id: str
    status: str  # one of messaging.models.MessageStatus
    at: datetime | None = None
    segments: int | None = None
    charge: Decimal | None = None
    carrier_fees: Decimal | None = None
    reason: str = ""
    tag: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundMessage:
    provider_id: str
    sender: str  # E.164 digits
    recipient: str  # E.164 digits (our number)
    text: str
    media: tuple[str, ...] = ()
    received_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


class Provider:
    """One provider's adapter, made for one channel (`Provider(channel)`)."""

    kind: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[Capabilities] = Capabilities()
    # The kind's own settings: `secret_names` are kept encrypted in Channel.credentials, the
    # rest in Channel.config; `clean_settings` checks both before a channel is saved.
    secret_names: ClassVar[tuple[str, ...]] = ()
    # Included on the channel's page: how to point the provider at the portal (its webhook
    # addresses, a template to paste); "" for none. Context: channel, dlr_url, inbound_url.
    setup_template: ClassVar[str] = ""

    def __init__(self, channel) -> None:
        self.channel = channel

    @classmethod
    def clean_settings(cls, config: dict, credentials: dict) -> tuple[dict, dict]:
        """The kind's settings checked and normalised: (config, credentials). Raises
        django.core.exceptions.ValidationError naming each field (the form's names)."""
        return config, credentials

    def setup_notes(self, *, inbound_url: str, dlr_url: str) -> dict:
        """What the channel page's setup include shows beyond the addresses (a template to
        paste, checks of the portal's own address); {} by default."""
        return {}

    def send(self, outbound: Outbound) -> SendResult:
        """Sends one message. Raises ProviderError."""
        raise NotImplementedError

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        """The message the provider holds for this tag (or id), None when it has none."""
        raise NotImplementedError

    def load(self, body: str) -> Any:
        """A webhook body's text as the parsers take it: a JSON document by default (a
        provider whose callbacks are another format reads them here). Raises BadPayload. The
        webhook and the processing of a stored event both read the body through this."""
        return json_body(body)

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        """A delivery-report webhook body (parsed JSON). Raises BadPayload naming the field."""
        raise NotImplementedError

    def parse_inbound(self, payload: Any) -> InboundMessage:
        """An inbound-message webhook body (parsed JSON). Raises BadPayload naming the field."""
        raise NotImplementedError

    def check(self) -> str:
        """A harmless call that proves the credentials work: a plain sentence, or raises."""
        raise NotImplementedError


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def json_body(body: str) -> Any:
    """A JSON document (NaN and Infinity refused: no provider sends them), or BadPayload."""
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadPayload("body", "must be a JSON object (UTF-8)") from None
