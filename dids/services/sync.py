"""The inventory sync: the numbers an account holds on Wavix, mirrored in `Did`.

Every page of `GET /v1/numbers` is applied in its own transaction with a constant number of
queries (read the page's rows, insert the new, update the changed, audit them, record
progress). A number no longer on Wavix is marked released, never deleted. A run with nothing
changed writes no inventory row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal import audit
from portal.jobs.runner import JobRunner
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from tenants.models import User

from .. import listeners
from ..models import ONE_AT_A_TIME, Did, NumberDocument, SyncRun

# Fields the sync owns; everything else on Did (e911_registered) belongs to other features.
SYNCED_FIELDS = (
    "account_id",
    "wavix_id",
    "country",
    "city",
    "number_type",
    "status",
    "required_docs",
    "sms_enabled",
    "monthly_fee",
    "destination",
    "label",
    "paid_until",
    "released_at",
    "sms_relay_url",
)
RELEASE_CHUNK = 1000


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def fields_from_wavix(item: dict, account: WavixAccount, doc_titles: dict[str, str]) -> dict:
    """The inventory's view of one Wavix number item."""
    return {
        "account_id": account.pk,
        "wavix_id": str(item.get("id", "")),
        "country": (item.get("country_short_name") or "")[:2].upper(),
        "city": item.get("city") or "",
        "number_type": item.get("type") or item.get("number_type") or "",
        "status": Did.Status.ACTIVE if item.get("status") == "active" else Did.Status.INACTIVE,
        "required_docs": [doc_titles.get(str(d), str(d)) for d in item.get("require_docs") or []],
        "sms_enabled": bool(item.get("sms_enabled")),
        "monthly_fee": _decimal(item.get("monthly_fee")),
        "destination": item.get("destination") or [],
        "label": item.get("label") or "",
        "paid_until": _date(item.get("paid_until")),
        "released_at": None,
        "sms_relay_url": str(item.get("sms_relay_url") or "")[:500],
    }


def _comparable(did: Did) -> dict:
    return {f: getattr(did, f) for f in SYNCED_FIELDS}


def apply_page(
    account: WavixAccount, items: list[dict], doc_titles: dict[str, str], seen: set[int]
) -> tuple[int, int, int]:
    """Upserts one page: (created, updated, unchanged). Constant queries whatever its size."""
    wanted = {int(item["number"]): fields_from_wavix(item, account, doc_titles) for item in items}
    seen.update(wanted)
    existing = {d.number: d for d in Did.objects.filter(number__in=list(wanted))}
    now = timezone.now()
    to_create, to_update, befores = [], [], []
    for number, fields in wanted.items():
        did = existing.get(number)
        if did is None:
            to_create.append(Did(number=number, **fields))
            continue
        if _comparable(did) == fields:
            continue
        befores.append(audit.snapshot(did))
        for name, value in fields.items():
            setattr(did, name, value)
        did.updated_at = now  # bulk_update does not apply auto_now
        to_update.append(did)
    with transaction.atomic():
        Did.objects.bulk_create(to_create)
        if to_update:
            Did.objects.bulk_update(to_update, [*SYNCED_FIELDS, "updated_at"])
        audit.record_many(
            [(d, "create", None, audit.snapshot(d)) for d in to_create]
            + [
                (d, "update", b, audit.snapshot(d)) for d, b in zip(to_update, befores, strict=True)
            ],
            message="inventory sync",
        )
        apply_documents(items)
    return len(to_create), len(to_update), len(wanted) - len(to_create) - len(to_update)


REJECTED_REASON = (
    "Wavix rejected this document. Upload a clear, complete and current copy in its place."
)


def apply_documents(items: list[dict]) -> int:
    """Wavix's review of the documents the portal sent (each number's `documents`): their
    status and `allow_replace`. At most three queries whatever the page's size (none when
    the page lists no document). The number documents changed."""
    reviewed: dict[str, dict] = {}
    for item in items:
        for doc in item.get("documents") or []:
            if isinstance(doc, dict) and doc.get("id") is not None:
                reviewed[str(doc["id"])[:32]] = doc
    if not reviewed:
        return 0
    held = NumberDocument._base_manager.filter(wavix_id__in=list(reviewed)).exclude(
        status__in=[NumberDocument.Status.UPLOADING, NumberDocument.Status.FAILED]
    )
    changed, befores = [], []
    for doc in held:
        answer = reviewed[doc.wavix_id]
        status = str(answer.get("status") or "")
        if status not in ("pending", "approved", "rejected"):
            continue
        allow = bool(answer.get("allow_replace"))
        reason = REJECTED_REASON if status == "rejected" else ""
        if (doc.status, doc.allow_replace, doc.reason) == (status, allow, reason):
            continue
        befores.append(audit.snapshot(doc))
        doc.status, doc.allow_replace, doc.reason = status, allow, reason
        doc.updated_at = timezone.now()
        changed.append(doc)
    if changed:
        NumberDocument._base_manager.bulk_update(
            changed, ["status", "allow_replace", "reason", "updated_at"]
        )
        audit.record_many(
            [(d, "update", b, audit.snapshot(d)) for d, b in zip(changed, befores, strict=True)],
            message="inventory sync: Wavix's review",
        )
    return len(changed)


def release_missing(account: WavixAccount, seen: set[int]) -> int:
    """Marks released the account's numbers that Wavix no longer lists."""
    held = Did.objects.filter(account=account).exclude(status=Did.Status.RELEASED)
    gone = sorted(set(held.values_list("number", flat=True)) - seen)
    now = timezone.now()
    for i in range(0, len(gone), RELEASE_CHUNK):
        with transaction.atomic():
            dids = list(Did.objects.filter(number__in=gone[i : i + RELEASE_CHUNK]))
            before = [audit.snapshot(d) for d in dids]
            Did.objects.filter(pk__in=[d.pk for d in dids]).update(
                status=Did.Status.RELEASED, released_at=now, updated_at=now
            )
            for d in dids:
                d.status, d.released_at = Did.Status.RELEASED, now
            audit.record_many(
                [(d, "update", b, audit.snapshot(d)) for d, b in zip(dids, before, strict=True)],
                message="inventory sync: no longer on Wavix",
            )
    return len(gone)


def run_sync(
    run: SyncRun, client: WavixClient, progress: Callable[..., None] | None = None
) -> SyncRun:
    """Walks every page of the account's numbers and applies it, recording progress on the
    run as it goes (the UI polls it; `progress`, the runner's, also renews its lease)."""
    if progress is None:
        progress = SyncRun.objects.filter(pk=run.pk).update
    account = run.account
    seen: set[int] = set()
    for page in client.iter_numbers(per_page=100):
        doc_titles = {
            str(d.get("id")): d.get("title") or d.get("name") or str(d.get("id"))
            for d in page.extra.get("doc_types") or []
        }
        created, updated, unchanged = apply_page(account, page.items, doc_titles, seen)
        progress(
            pages_done=F("pages_done") + 1,
            pages_total=max(page.total_pages, 1),
            requests_made=F("requests_made") + 1,
            created=F("created") + created,
            updated=F("updated") + updated,
            unchanged=F("unchanged") + unchanged,
        )
    released = release_missing(account, seen)
    progress(released=released)
    run.refresh_from_db()
    return run


# Starting and running a sync ---------------------------------------------------------------


def sync_start(
    *, account: WavixAccount, trigger: str = "manual", user: User | None = None
) -> SyncRun:
    """Queues a sync of the account's inventory, or returns the one already queued or running
    (one at a time per account). The task starts when this transaction commits."""
    return SyncRunner.start_or_join(
        states=ONE_AT_A_TIME, key={"account": account}, trigger=trigger, requested_by=user
    )


class SyncRunner(JobRunner):
    """Runs a queued sync; running it twice is harmless (only a queued run starts)."""

    model = SyncRun
    task = "dids.tasks.sync_inventory"
    retry_policy = None
    no_retry = (
        "A sync is not retried by itself: it reads every page again from the first, and the "
        "next scheduled sync (WAVIX_SYNC_INTERVAL_MINUTES) or Sync now does exactly that."
    )

    def perform(self) -> None:
        run = self.job
        run_sync(run, WavixClient.for_account(run.account), progress=self.progress)
        # Outside any transaction: the listeners hear it at once (e.g. messaging points the
        # pooled numbers that have no inbound address yet).
        listeners.announce(listeners.NumbersChanged(synced_account_id=run.account_id))
