"""Purchased numbers: configuration (destinations, SMS, webhooks) and release back to stock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .. import numbering
from ..errors import ApiError
from ..models import (
    SandboxAccount,
    SandboxDestination,
    SandboxE911Record,
    SandboxNumber,
    SandboxStockNumber,
    SandboxTrunk,
)
from ..params import Invalid, Params

_UNSET: Any = object()
UPDATABLE = (
    "sms_enabled",
    "destinations",
    "sms_relay_url",
    "call_recording_enabled",
    "transcription_enabled",
    "transcription_threshold",
    "call_status_url",
)


@dataclass
class NumberChanges:
    """What a PATCH asks to change; fields left at _UNSET stay as they are."""

    values: dict[str, Any] = field(default_factory=dict)
    destinations: list[SandboxDestination] | None = None


def _destination(account: SandboxAccount, item: Params) -> SandboxDestination:
    transport = item.int("transport", required=True)
    if transport not in SandboxDestination.Transport.values:
        raise Invalid(
            item.name("transport"), "must be 1 (SIP URI), 4 (PSTN) or 5 (SIP trunk)", transport
        )
    target = item.str("destination", required=True, blank=False, max_length=255)
    trunk_id = item.int("trunk_id")
    trunk = None
    if transport == SandboxDestination.Transport.SIP_URI and "@" not in target:
        raise Invalid(item.name("destination"), "must be a SIP URI (user@host)", target)
    if transport == SandboxDestination.Transport.PSTN and not numbering.normalize(target):
        raise Invalid(item.name("destination"), "must be a phone number in E.164", target)
    if transport == SandboxDestination.Transport.TRUNK:
        trunk = SandboxTrunk.objects.filter(account=account, pk=trunk_id).first()
        if trunk is None:
            raise Invalid(item.name("trunk_id"), "must be a SIP trunk of the account", trunk_id)
        target = trunk.name  # Wavix routes to the trunk's system login
    return SandboxDestination(
        destination=target,
        priority=item.int("priority", required=True, minimum=1),
        transport=transport,
        trunk=trunk,
    )


def number_changes(account: SandboxAccount, params: Params) -> NumberChanges:
    """Reads and checks a NumberUpdateRequest (or the bulk one, minus `ids`)."""
    changes = NumberChanges()
    for flag in ("sms_enabled", "call_recording_enabled", "transcription_enabled"):
        if params.has(flag):
            changes.values[flag] = params.bool(flag)
    for url in ("sms_relay_url", "call_status_url"):
        if params.has(url):
            # A blank address clears it, as blanking the field does in Wavix's own portal (the
            # number then falls back to the account's default).
            blank = params.str(url) == ""
            changes.values[url] = None if blank else params.url(url)
    if params.has("transcription_threshold"):
        changes.values["transcription_threshold"] = params.int(
            "transcription_threshold", minimum=0, maximum=3600
        )
    items = params.list("destinations")
    if items is not None:
        destinations = []
        for i, raw in enumerate(items):
            if not isinstance(raw, dict):
                raise Invalid(f"destinations[{i}]", "must be an object", raw)
            item = Params(raw, prefix=f"destinations[{i}].")
            item.only(("destination", "priority", "transport", "trunk_id"))
            destinations.append(_destination(account, item))
        changes.destinations = destinations
    return changes


def numbers_update(*, numbers: list[SandboxNumber], changes: NumberChanges) -> None:
    if changes.values.get("sms_enabled"):
        for n in numbers:
            if not numbering.is_us_or_ca(n.number):
                raise Invalid(
                    "sms_enabled",
                    f"inbound SMS can be enabled on US and Canadian numbers only, not {n.number}",
                    True,
                )
    with transaction.atomic():
        for n in numbers:
            for name, value in changes.values.items():
                setattr(n, name, value)
            n.full_clean()
            n.save()
            if changes.destinations is not None:
                n.destinations.all().delete()
                for d in changes.destinations:
                    SandboxDestination.objects.create(
                        number=n,
                        destination=d.destination,
                        priority=d.priority,
                        transport=d.transport,
                        trunk=d.trunk,
                    )


def numbers_of(account: SandboxAccount, ids: list[int]) -> list[SandboxNumber]:
    found = list(SandboxNumber.objects.filter(account=account, pk__in=ids))
    missing = sorted(set(ids) - {n.pk for n in found})
    if missing:
        raise ApiError(404, f"Numbers not found: {', '.join(map(str, missing))}")
    return found


def numbers_release(*, account: SandboxAccount, numbers: list[SandboxNumber]) -> None:
    """Returns numbers to Wavix's stock, with their E911 records gone (the service ends)."""
    with transaction.atomic():
        SandboxStockNumber.objects.bulk_create(
            [
                SandboxStockNumber(
                    id=int(n.number),
                    number=n.number,
                    city=n.city,
                    activation_fee=n.activation_fee,
                    monthly_fee=n.monthly_fee,
                    per_min=n.per_min,
                    channels=n.channels,
                    sms_enabled=numbering.is_us_or_ca(n.number),
                    sms_price=n.sms_price,
                    require_docs=[int(d) for d in n.require_docs],
                    cnam=n.cnam,
                    free_min=n.free_min,
                    domestic_cli=n.domestic_cli,
                )
                for n in numbers
            ],
            ignore_conflicts=True,
        )
        numbers_text = [n.number for n in numbers]
        SandboxE911Record.objects.filter(account=account, phone_number__in=numbers_text).delete()
        SandboxNumber.objects.filter(pk__in=[n.pk for n in numbers]).delete()
