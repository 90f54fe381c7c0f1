"""Trunks between the portal and Wavix: the push of one trunk (create, full replacement,
delete) and the reconcile of an account's trunks (drift and trunks unknown to the portal).

A push holds a lease on its trunk while it talks to Wavix, so two pushes never overlap (a
second create would make a second trunk). A push that finishes after a newer edit leaves the
trunk pending and queues itself again. Transient failures are retried as the shared policy
of Wavix tasks says (`portal.wavix.retry`: bounded attempts, exponential backoff with jitter),
the trunk pending meanwhile with the next attempt's time in `sync_error`; the last failure, or
any refusal, leaves the trunk failed with Wavix's reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.wavix.errors import WavixError, WavixNotFound
from portal.wavix.retry import WAVIX_TASKS

from . import payloads
from .models import ForeignTrunk, SipTrunk, TrunkReconcile

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)


@dataclass
class PushOutcome:
    result: str  # skipped, busy, gone, synced, again, deleted, retry, failed
    retry_in: int | None = None


def _claim(trunk_id: int) -> bool:
    now = timezone.now()
    free = Q(push_lease_until__isnull=True) | Q(push_lease_until__lt=now)
    return bool(SipTrunk.objects.filter(free, pk=trunk_id).update(push_lease_until=now + LEASE))


def _release(trunk_id: int) -> None:
    SipTrunk.objects.filter(pk=trunk_id).update(push_lease_until=None)


def push(trunk_id: int, client_for, attempt: int = 0) -> PushOutcome:
    """Brings Wavix to the trunk's state. `client_for(account)` gives the Wavix client;
    `attempt` counts the retries before this push (0 for the first)."""
    if not _claim(trunk_id):
        # Another push holds the trunk; it re-checks the revision when it finishes.
        return PushOutcome("busy")
    try:
        trunk = SipTrunk.objects.select_related("account").filter(pk=trunk_id).first()
        if trunk is None:
            return PushOutcome("gone")
        if trunk.delete_requested:
            return _delete(trunk, client_for(trunk.account), attempt)
        if trunk.sync_state != SipTrunk.SyncState.PENDING:
            return PushOutcome("skipped")
        return _send(trunk, client_for(trunk.account), attempt)
    finally:
        _release(trunk_id)


def _send(trunk: SipTrunk, client, attempt: int) -> PushOutcome:
    revision, body = trunk.revision, payloads.to_wavix(trunk)
    try:
        if trunk.wavix_id:
            answer = client.replace_trunk(trunk.wavix_id, body)
        else:
            answer = client.create_trunk(body)
    except WavixNotFound as exc:
        return _failed(
            trunk,
            f"{exc}. Wavix has no trunk #{trunk.wavix_id} any more: re-push to create it again.",
            drift=SipTrunk.Drift.MISSING,
        )
    except WavixError as exc:
        return _failed_or_retry(trunk, exc, attempt)
    return _synced(trunk.pk, revision, answer or {})


@transaction.atomic
def _synced(trunk_id: int, revision: int, answer: dict) -> PushOutcome:
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk_id)
    if answer.get("id") is not None:
        trunk.wavix_id = int(answer["id"])
    trunk.sip_username = str(answer.get("name") or trunk.sip_username)
    for name, value in payloads.review_state(answer, ip_auth=trunk.is_ip_auth).items():
        setattr(trunk, name, value)
    current = trunk.revision == revision
    if current:
        trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.IN_SYNC, ""
        trunk.synced_at = timezone.now()
        trunk.drift, trunk.drift_fields = "", {}
    trunk.save()
    return PushOutcome("synced" if current else "again")


def _delete(trunk: SipTrunk, client, attempt: int) -> PushOutcome:
    if trunk.wavix_id:
        try:
            client.delete_trunk(trunk.wavix_id)
        except WavixNotFound:
            pass  # already gone: the goal is reached
        except WavixError as exc:
            return _failed_or_retry(trunk, exc, attempt)
    with transaction.atomic():
        trunk.delete()
    return PushOutcome("deleted")


def _failed_or_retry(trunk: SipTrunk, exc: WavixError, attempt: int) -> PushOutcome:
    retry = WAVIX_TASKS.next(exc, failed=attempt + 1)
    if retry is not None:
        SipTrunk.objects.filter(pk=trunk.pk).update(sync_error=retry.note(exc)[:2000])
        return PushOutcome("retry", retry_in=retry.delay)
    return _failed(trunk, WAVIX_TASKS.final_note(exc, failed=attempt + 1))


@transaction.atomic
def _failed(trunk: SipTrunk, reason: str, drift: str | None = None) -> PushOutcome:
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
    trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.FAILED, reason[:2000]
    if drift is not None:
        trunk.drift = drift
    trunk.save()
    return PushOutcome("failed")


# Reconcile ----------------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: int = 0
    missing: int = 0
    unknown: int = 0

    def __str__(self) -> str:
        return (
            f"{self.checked} trunks checked: {self.changed} changed on Wavix, "
            f"{self.missing} missing on Wavix, {self.unknown} unknown to the portal."
        )


def reconcile(account, client) -> ReconcileReport:
    """Reads every trunk of the account on Wavix and records the drift on each portal trunk,
    and the trunks the portal does not know. Nothing is changed on Wavix."""
    report = ReconcileReport()
    summaries = {int(s["id"]): s for s in client.list_trunks()}
    ours = SipTrunk.objects.filter(account=account)
    known = set(ours.exclude(wavix_id=None).values_list("wavix_id", flat=True))
    for trunk in ours.filter(delete_requested=False).exclude(wavix_id=None):
        report.checked += 1
        summary = summaries.get(trunk.wavix_id)
        data = {**client.get_trunk(trunk.wavix_id), **summary} if summary else None
        drift = _record(trunk.pk, data)
        report.changed += drift == SipTrunk.Drift.CHANGED
        report.missing += drift == SipTrunk.Drift.MISSING
    unknown = {i: s for i, s in summaries.items() if i not in known}
    for wavix_id, summary in unknown.items():
        data = {**client.get_trunk(wavix_id), **summary}
        ForeignTrunk.objects.update_or_create(
            account=account,
            wavix_id=wavix_id,
            defaults={
                "label": str(data.get("label") or "")[:100],
                "sip_username": str(data.get("name") or "")[:32],
                "data": data,
            },
        )
    ForeignTrunk.objects.filter(account=account).exclude(wavix_id__in=list(unknown)).delete()
    report.unknown = len(unknown)
    return report


@transaction.atomic
def _record(trunk_id: int, data: dict | None) -> str:
    """Stores what Wavix holds for one trunk and whether it differs. A trunk with a push
    pending is not judged: the push is about to change Wavix anyway."""
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk_id)
    trunk.checked_at = timezone.now()
    settled = trunk.sync_state == SipTrunk.SyncState.IN_SYNC
    if data is None:
        trunk.drift = SipTrunk.Drift.MISSING if settled else trunk.drift
        trunk.drift_fields = {}
    else:
        for name, value in payloads.review_state(data, ip_auth=trunk.is_ip_auth).items():
            setattr(trunk, name, value)
        trunk.wavix_snapshot = data
        trunk.drift_fields = payloads.differences(trunk, data) if settled else {}
        trunk.drift = SipTrunk.Drift.CHANGED if trunk.drift_fields else ""
    trunk.save()
    return trunk.drift


def record_reconcile(account, *, ok: bool, message: str) -> None:
    TrunkReconcile.objects.update_or_create(
        account=account,
        defaults={"checked_at": timezone.now(), "ok": ok, "message": message[:2000]},
    )
