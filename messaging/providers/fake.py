"""An in-memory provider for fast tests of the outbox and the services (as pretix's
`testdummy`): registered as kind "fake". It accepts every send unless told otherwise, keeps
what it accepted (so a lookup by tag finds it), and counts the sends per tag, so a test can
say "sent exactly once".

    FakeProvider.reset()
    FakeProvider.script(FakeProvider.refuse("Invalid number"), FakeProvider.unknown())
    ...
    FakeProvider.sends["tag"]  # how many sends the provider applied for this tag

Scripted answers are used one per send, in order, then sends succeed again:
`accept(status=...)`, `refuse(reason)` (4xx), `transient(status, retry_after)` (429/5xx, not
applied), `lost()` (never reached the provider), `unknown()` (applied, then no answer: the
outcome is unknown to the caller), `dropped()` (no answer and not applied: unknown too).
`hidden_lookups` makes the next lookups miss a message the provider holds (a provider slow
to list what it just took).
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from . import register
from .base import Capabilities, DeliveryReport, InboundMessage, Outbound, Provider, SendResult
from .errors import BadPayload, ProviderError


@dataclass(frozen=True)
class Scripted:
    kind: str  # accept | refuse | transient | lost | unknown | dropped
    status: str = "accepted"
    reason: str = ""
    status_code: int | None = None
    retry_after: float | None = None


@register
class FakeProvider(Provider):
    kind = "fake"
    label = "Fake (tests)"
    capabilities = Capabilities(
        mms=True, alphanumeric=True, max_rate=1000.0, status_lookup=True, reports_carry_tag=True
    )

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _ids: ClassVar[itertools.count] = itertools.count(1)
    answers: ClassVar[list[Scripted]] = []
    sends: ClassVar[Counter] = Counter()  # applied sends per tag
    attempts: ClassVar[Counter] = Counter()  # send calls per tag, applied or not
    held: ClassVar[dict[str, SendResult]] = {}  # what the provider holds, by tag
    outbound: ClassVar[list[Outbound]] = []  # every applied send, in order
    hidden_lookups: ClassVar[int] = 0
    lookups: ClassVar[int] = 0

    # --- what tests set ------------------------------------------------------------------

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.answers, cls.sends, cls.attempts = [], Counter(), Counter()
            cls.held, cls.outbound = {}, []
            cls.hidden_lookups = cls.lookups = 0

    @classmethod
    def script(cls, *answers: Scripted) -> None:
        with cls._lock:
            cls.answers.extend(answers)

    @staticmethod
    def accept(status: str = "accepted") -> Scripted:
        return Scripted("accept", status=status)

    @staticmethod
    def refuse(reason: str, status_code: int = 400) -> Scripted:
        return Scripted("refuse", reason=reason, status_code=status_code)

    @staticmethod
    def transient(status_code: int = 503, retry_after: float | None = None) -> Scripted:
        return Scripted("transient", status_code=status_code, retry_after=retry_after)

    @staticmethod
    def lost() -> Scripted:
        return Scripted("lost")

    @staticmethod
    def unknown() -> Scripted:
        return Scripted("unknown")

    @staticmethod
    def dropped() -> Scripted:
        return Scripted("dropped")

    # --- the interface -------------------------------------------------------------------

    def send(self, outbound: Outbound) -> SendResult:
        with self._lock:
            self.attempts[outbound.tag] += 1
            answer = self.answers.pop(0) if self.answers else self.accept()
            if answer.kind == "refuse":
                raise ProviderError(answer.reason, transient=False, status_code=answer.status_code)
            if answer.kind == "transient":
                raise ProviderError(
                    f"The provider answered {answer.status_code}.",
                    transient=True,
                    status_code=answer.status_code,
                    retry_after=answer.retry_after,
                )
            if answer.kind == "lost":
                raise ProviderError("The provider could not be reached.", transient=True)
            if answer.kind == "dropped":
                raise ProviderError(
                    "The provider did not answer after the request was sent.",
                    transient=True,
                    outcome_unknown=True,
                )
            result = self._apply(outbound, answer.status)
            if answer.kind == "unknown":
                raise ProviderError(
                    "The provider did not answer after the request was sent.",
                    transient=True,
                    outcome_unknown=True,
                )
            return result

    def _apply(self, outbound: Outbound, status: str) -> SendResult:
        result = SendResult(
            provider_id=f"fake-{next(self._ids)}",
            status=status,
            segments=1,
            charge=Decimal("0.0100"),
            carrier_fees=Decimal("0"),
            raw={"tag": outbound.tag, "to": outbound.recipient, "text": outbound.text},
        )
        type(self).sends[outbound.tag] += 1
        type(self).held[outbound.tag] = result
        type(self).outbound.append(outbound)
        return result

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        with self._lock:
            type(self).lookups += 1
            if self.hidden_lookups > 0:
                type(self).hidden_lookups -= 1
                return None
            return self.held.get(tag)

    def parse_delivery_report(self, payload: Any) -> DeliveryReport:
        if not isinstance(payload, dict) or not payload.get("id"):
            raise BadPayload("id", "is required")
        return DeliveryReport(
            provider_id=str(payload["id"]),
            status=str(payload.get("status") or "delivered"),
            tag=str(payload.get("tag") or ""),
            raw=payload,
        )

    def parse_inbound(self, payload: Any) -> InboundMessage:
        if not isinstance(payload, dict) or not payload.get("id"):
            raise BadPayload("id", "is required")
        return InboundMessage(
            provider_id=str(payload["id"]),
            sender=str(payload.get("from") or ""),
            recipient=str(payload.get("to") or ""),
            text=str(payload.get("text") or ""),
            raw=payload,
        )

    def check(self) -> str:
        return "The fake provider answered."
