"""Number orders: buy, return to Wavix, set the destination. A service checks and saves the
order and queues it; `OrderRunner` carries it out on Wavix (the job runner's lifecycle:
claimed once, Wavix called outside any transaction, the outcome recorded on the order)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal import audit, phone
from portal.jobs.runner import JobRunner, Outcome
from portal.models import WavixAccount
from portal.validation import full_clean
from portal.wavix.client import WavixClient
from portal.wavix.retry import WAVIX_TASKS, RetryPolicy
from tenants.models import Tenant, User

from .. import listeners, usage
from ..models import Did, NumberOrder
from ..ranges import Pool
from .pools import find_conflicts, pool_add_numbers
from .sync import sync_start

DESTINATION_TRANSPORTS = {"sip_uri": 1, "pstn": 4, "trunk": 5}
_SIP_URI = re.compile(r"^(sips?:)?[^@\s]+@[A-Za-z0-9.-]+(:\d{1,5})?$")


def _queue(order: NumberOrder) -> NumberOrder:
    full_clean(order)
    order.save()
    OrderRunner.enqueue(order.pk)
    return order


@transaction.atomic
def order_buy(
    *,
    account: WavixAccount,
    numbers: list[str],
    tenant: Tenant | None = None,
    user: User | None = None,
    fees: dict | None = None,
) -> NumberOrder:
    """Queues a purchase (cart, then checkout). With a tenant, the bought numbers join its
    “Direct” pool; they are checked against every pool now, so the pool step cannot fail
    later on a conflict we could have seen."""
    clean = sorted({n.strip().lstrip("+") for n in numbers if n.strip()})
    if not clean:
        raise ValidationError({"numbers": "Choose at least one number to buy."})
    bad = [n for n in clean if phone.from_storage(n) is None]
    if bad:
        raise ValidationError({"numbers": f"Not phone numbers: {', '.join(bad)}."})
    if tenant is not None:
        conflicts = find_conflicts(Pool.of(*map(int, clean)))
        if conflicts:
            raise ValidationError({"tenant": [str(c) for c in conflicts]})
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.BUY,
            account=account,
            numbers=clean,
            tenant=tenant,
            requested_by=user,
            payload={"fees": fees or {}},
        )
    )


def _held_dids(numbers: list[int]) -> list[Did]:
    dids = list(Did.objects.filter(number__in=numbers).exclude(status=Did.Status.RELEASED))
    missing = sorted(set(numbers) - {d.number for d in dids})
    if missing:
        raise ValidationError(
            {"numbers": "Not held on Wavix: " + ", ".join(f"+{n}" for n in missing)}
        )
    accounts = {d.account_id for d in dids}
    if len(accounts) > 1:
        raise ValidationError(
            {
                "numbers": "These numbers are on different Wavix accounts; "
                "act on one account at a time."
            }
        )
    return dids


@transaction.atomic
def order_return(*, numbers: list[int], user: User | None = None) -> NumberOrder:
    """Queues returning numbers to Wavix. Refused while a number is in a tenant's pool (edit
    the pool first) or used by anything."""
    if not numbers:
        raise ValidationError({"numbers": ["Choose the numbers to return."]})
    dids = _held_dids(numbers)
    pooled = find_conflicts(Pool.of(*numbers))
    # What uses a number (an E911 record...) is named first: the pool cannot give it up either.
    in_use = [u for c in pooled for u in usage.uses_of(c.tenant, c.numbers)]
    unpooled = Pool.of(*numbers).difference(Pool(s for c in pooled for s in c.numbers.ranges))
    in_use += usage.uses_of(None, unpooled)
    if in_use:
        in_use = sorted(set(in_use), key=lambda u: (u.number, u.what))
        raise ValidationError({"numbers": [f"+{u.number} is in use: {u.what}" for u in in_use]})
    if pooled:
        raise ValidationError(
            {"numbers": [f"{c}: remove them from the pool first" for c in pooled]}
        )
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.RETURN,
            account_id=dids[0].account_id,
            numbers=[str(d.number) for d in dids],
            requested_by=user,
        )
    )


def destination_entry(*, kind: str, value: str, trunk_id: int | None = None) -> dict:
    """One Wavix inbound destination, validated: a SIP URI, a PSTN number or a SIP trunk."""
    value = value.strip()
    if kind not in DESTINATION_TRANSPORTS:
        raise ValidationError({"kind": f"“{kind}” is not a destination type."})
    if kind == "sip_uri" and not _SIP_URI.match(value):
        raise ValidationError(
            {"value": f"“{value}” is not a SIP URI (user@host, e.g. [did]@pbx.example.com)."}
        )
    if kind == "pstn" and (phone.from_storage(value) is None or len(value.lstrip("+")) < 8):
        raise ValidationError({"value": f"“{value}” is not a phone number in E.164 digits."})
    if kind == "trunk" and (not value or trunk_id is None):
        raise ValidationError({"value": "Give the SIP trunk's login and its Wavix ID."})
    entry = {
        "destination": value.lstrip("+") if kind == "pstn" else value,
        "priority": 1,
        "transport": DESTINATION_TRANSPORTS[kind],
    }
    if kind == "trunk":
        entry["trunk_id"] = trunk_id
    return entry


@transaction.atomic
def order_destination(
    *,
    numbers: list[int],
    kind: str,
    value: str,
    trunk_id: int | None = None,
    user: User | None = None,
) -> NumberOrder:
    entry = destination_entry(kind=kind, value=value, trunk_id=trunk_id)
    dids = _held_dids(numbers)
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.DESTINATION,
            account_id=dids[0].account_id,
            numbers=[str(d.number) for d in dids],
            payload={"destinations": [entry]},
            requested_by=user,
        )
    )


SMS_COUNTRIES = ("US", "CA")
SMS_BATCH = 50  # numbers per PATCH /v1/numbers


def _sms_country(did: Did) -> str:
    return did.country or phone.region_of(did.number) or "unknown"


@transaction.atomic
def order_sms_enable(*, numbers: list[int], user: User | None = None) -> NumberOrder:
    """Queues enabling SMS on Wavix for the numbers (US and Canadian ones only: Wavix enables
    SMS on no other). Numbers already SMS-enabled are left out."""
    if not numbers:
        raise ValidationError({"numbers": ["Choose the numbers to enable SMS on."]})
    dids = _held_dids(numbers)
    elsewhere = [d for d in dids if _sms_country(d) not in SMS_COUNTRIES]
    if elsewhere:
        raise ValidationError(
            {
                "numbers": [
                    f"{d} is a number of {_sms_country(d)}: Wavix enables SMS on US and "
                    "Canadian numbers only."
                    for d in elsewhere
                ]
            }
        )
    todo = [d for d in dids if not d.sms_enabled]
    if not todo:
        raise ValidationError({"numbers": ["These numbers are SMS-enabled already."]})
    unknown = [d for d in todo if not d.wavix_id]
    if unknown:
        raise ValidationError(
            {"numbers": [f"{d} has no Wavix id yet: run a sync first." for d in unknown]}
        )
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.SMS,
            account_id=dids[0].account_id,
            numbers=[str(d.number) for d in todo],
            payload={"done": 0},
            requested_by=user,
        )
    )


# Carrying an order out ---------------------------------------------------------------------


def _dids_of(order: NumberOrder) -> list[Did]:
    return list(Did.objects.filter(number__in=[int(n) for n in order.numbers]))


def _buy(order: NumberOrder, client: WavixClient) -> str:
    client.add_to_cart(order.numbers)
    client.checkout(order.numbers)
    note = ""
    if order.tenant is not None:
        try:
            pool_add_numbers(tenant=order.tenant, numbers=[int(n) for n in order.numbers])
        except ValidationError as exc:
            note = "Bought, but not added to the pool: " + "; ".join(exc.messages)
    sync_start(account=order.account, trigger="purchase", user=order.requested_by)
    return note


def _return(order: NumberOrder, client: WavixClient) -> str:
    dids = _dids_of(order)
    client.return_numbers([int(d.wavix_id) for d in dids if d.wavix_id])
    now = timezone.now()
    with transaction.atomic():
        befores = [audit.snapshot(d) for d in dids]
        Did.objects.filter(pk__in=[d.pk for d in dids]).update(
            status=Did.Status.RELEASED, released_at=now, updated_at=now
        )
        for d in dids:
            d.status, d.released_at = Did.Status.RELEASED, now
        audit.record_many(
            [(d, "update", b, audit.snapshot(d)) for d, b in zip(dids, befores, strict=True)],
            message="returned",
        )
    return ""


def _destination(order: NumberOrder, client: WavixClient) -> str:
    dids = _dids_of(order)
    updated = client.update_numbers(
        [int(d.wavix_id) for d in dids if d.wavix_id], destinations=order.payload["destinations"]
    )
    by_id = {str(item.get("id")): item for item in updated or []}
    with transaction.atomic():
        for did in dids:  # each save is recorded by the audit log's signal
            did.destination = by_id.get(did.wavix_id, {}).get(
                "destination", order.payload["destinations"]
            )
            did.save(update_fields=["destination", "updated_at"])
    return ""


def _sms(order: NumberOrder, client: WavixClient, progress=None) -> str:
    """PATCH /v1/numbers `sms_enabled` in batches, each batch recorded (and counted) as it is
    answered, so a retry after a failure starts again where it stopped."""
    done = int(order.payload.get("done", 0))
    dids = sorted(_dids_of(order), key=lambda d: d.number)
    for start in range(done, len(dids), SMS_BATCH):
        batch = dids[start : start + SMS_BATCH]
        updated = client.update_numbers([int(d.wavix_id) for d in batch], sms_enabled=True)
        by_id = {str(item.get("id")): item for item in updated or []}
        with transaction.atomic():
            for did in batch:  # each save is recorded by the audit log's signal
                did.sms_enabled = bool(by_id.get(did.wavix_id, {}).get("sms_enabled", True))
                did.save(update_fields=["sms_enabled", "updated_at"])
            enabled = tuple(d.number for d in batch if d.sms_enabled)
            listeners.announce(listeners.NumbersChanged(sms_enabled=enabled))
        order.payload = {**order.payload, "done": start + len(batch)}
        if progress is not None:
            progress(payload=order.payload)
    refused = [str(d) for d in dids if not d.sms_enabled]
    if refused:
        return "Wavix did not enable SMS on " + ", ".join(refused) + "."
    return ""


ORDER_STEPS = {
    NumberOrder.Kind.BUY: _buy,
    NumberOrder.Kind.RETURN: _return,
    NumberOrder.Kind.DESTINATION: _destination,
    NumberOrder.Kind.SMS: _sms,
}


class OrderRunner(JobRunner):
    """Carries out a queued order on Wavix; its outcome (or Wavix's reason) stays on the order,
    and a remark on success (bought, but not added to the pool) in its note."""

    model = NumberOrder
    task = "dids.tasks.run_order"
    retry_policy = None
    no_retry = (
        "A purchase or a return is not repeated by itself: when Wavix did not answer, whether "
        "it was carried out is unknown, and repeating it could buy or return numbers twice. "
        "Check the inventory (Sync now) before ordering again."
    )

    @classmethod
    def policy_for(cls, job: NumberOrder) -> RetryPolicy | None:
        # Setting a destination or enabling SMS sets the same value again: safe to repeat.
        repeatable = (NumberOrder.Kind.DESTINATION, NumberOrder.Kind.SMS)
        return WAVIX_TASKS if job.kind in repeatable else None

    def perform(self) -> Outcome:
        order = self.job
        client = WavixClient.for_account(order.account)
        if order.kind == NumberOrder.Kind.SMS:
            return Outcome.succeeded(note=_sms(order, client, progress=self.progress))
        note = ORDER_STEPS[order.kind](order, client)
        return Outcome.succeeded(note=note)
