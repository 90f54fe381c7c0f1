"""The E911 reconcile: an account's E911 records on Wavix compared with the portal's
addresses (global work across tenants, explicitly unscoped), run by `ReconcileRunner`."""

from __future__ import annotations

from django.db import transaction
from django_scopes import scopes_disabled

from portal import phone
from portal.jobs.runner import JobRunner
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from tenants.models import User

from ..models import ONE_AT_A_TIME, Did, E911Address, E911Drift, E911ReconcileRun
from ..selectors import owner_of
from .e911 import wavix_address_of


def reconcile_start(
    *, account: WavixAccount, trigger: str = "manual", user: User | None = None
) -> E911ReconcileRun:
    """Queues a reconcile of the account, or returns the one already queued or running (one
    at a time per account, a database constraint: two requests at the same moment make one
    run, the second joining the first)."""
    return ReconcileRunner.start_or_join(
        states=ONE_AT_A_TIME, key={"account": account}, trigger=trigger, requested_by=user
    )


def _comparable(address: dict) -> dict:
    clean = wavix_address_of(address, "")
    return {k: " ".join(v.upper().split()) for k, v in clean.items()}


def reconcile_account(run: E911ReconcileRun, client: WavixClient) -> E911ReconcileRun:
    """Reads every E911 record of the account on Wavix and records how it differs from the
    portal's provisioned addresses (global work across tenants, explicitly unscoped). The
    inventory's `e911_registered` follows what Wavix says."""
    account = run.account
    on_wavix = {}
    for item in client.list_e911_records():
        digits = phone.number_digits(item.get("phone_number") or "")
        if digits is not None:
            on_wavix[int(digits)] = {**(item.get("address") or {}), "name": item.get("name", "")}
    with scopes_disabled(), transaction.atomic():
        account_numbers = set(Did.objects.filter(account=account).values_list("number", flat=True))
        ours = {
            a.number: a
            for a in E911Address.objects.filter(
                number__in=account_numbers, status=E911Address.Status.PROVISIONED
            )
        }
        drift = []
        for number, record in ours.items():
            wavix = on_wavix.get(number)
            mine = record.wavix_address()
            if wavix is None:
                kind = E911Drift.Kind.MISSING
            elif _comparable(wavix) != _comparable(mine):
                kind = E911Drift.Kind.DIFFERENT
            else:
                continue
            drift.append(
                E911Drift(
                    account=account,
                    tenant_id=record.tenant_id,
                    number=number,
                    kind=kind,
                    portal_address=mine,
                    wavix_address=wavix_address_of(wavix, "") if wavix else {},
                )
            )
        others = set(
            E911Address.objects.filter(number__in=list(on_wavix)).values_list("number", flat=True)
        )
        for number in sorted(set(on_wavix) - set(ours) - others):
            owner = owner_of(number)
            drift.append(
                E911Drift(
                    account=account,
                    tenant_id=owner.tenant_id if owner else None,
                    number=number,
                    kind=E911Drift.Kind.UNKNOWN,
                    wavix_address=wavix_address_of(on_wavix[number], ""),
                )
            )
        E911Drift.objects.filter(account=account).delete()
        E911Drift.objects.bulk_create(drift)
        _mirror_registered(account, set(on_wavix))
        E911ReconcileRun.objects.filter(pk=run.pk).update(records=len(on_wavix), drift=len(drift))
    run.refresh_from_db()
    return run


def _mirror_registered(account: WavixAccount, registered: set[int]) -> None:
    """`Did.e911_registered` is Wavix's word: set it where it differs (audited)."""
    held = Did.objects.filter(account=account).exclude(status=Did.Status.RELEASED)
    stale = list(held.filter(e911_registered=False, number__in=registered)) + list(
        held.filter(e911_registered=True).exclude(number__in=registered)
    )
    for did in stale:
        did.e911_registered = did.number in registered
        did.save(update_fields=["e911_registered", "updated_at"])


class ReconcileRunner(JobRunner):
    """Runs a queued reconcile; running it twice is harmless (only a queued run starts)."""

    model = E911ReconcileRun
    task = "dids.tasks.e911_reconcile"
    retry_policy = None
    no_retry = (
        "A reconcile is not retried by itself: it reads every record again, and the next "
        "scheduled reconcile (E911_RECONCILE_INTERVAL_MINUTES) or Reconcile now does exactly "
        "that."
    )

    def perform(self) -> None:
        run = self.job
        reconcile_account(run, WavixClient.for_account(run.account))
