"""Opt-outs: recipients who must not get a tenant's messages, from one sender or from all of
them. Added by hand, by CSV import (dry run first, a report per row), by the API, by the
provider's list and (next) by STOP keywords in inbound messages: all through `opt_out_add`.

Kept in step with Wavix's list both ways: a new opt-out is sent to Wavix when it commits (a
task), one Wavix has that the portal has not is taken by the channel's periodic sync. Wavix
offers no way to remove an opt-out, so a removal here is the portal's alone (the page says
so). An "all senders" opt-out goes to Wavix once per sender ID of the tenant, never as an
account-wide entry that would stop the other tenants on the same Wavix account.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_scopes import scope, scopes_disabled

from portal import csvfile, phone
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError

from ..models import OptOut, SenderId, SenderKind
from ..selectors import opt_out_for

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 5000
NAME = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
HEADER_WORDS = {"recipient", "number", "phone", "phone_number"}


def _number(tenant, raw) -> tuple[int | None, str | None]:
    """E.164 as typed or as Wavix and exports write it (digits with the country code); a
    shorter number in the tenant's national form."""
    text = str(raw or "").strip()[:40]
    if text.isdigit() and len(text) > 10:
        number, rule = phone.check(text)
        if not rule:
            return number, rule
    return phone.check(text, region=tenant.default_country or None)


def _recipient(tenant, raw) -> str:
    number, rule = _number(tenant, raw)
    if rule:
        raise ValidationError({"recipient": f"Recipient: {rule}."})
    return str(number)


def _sender(tenant, raw) -> str:
    text = str(raw or "").strip()[:40]
    if not text or text.lower() in ("all", "*", "all senders"):
        return ""
    if NAME.fullmatch(text) and not text.replace(" ", "").isdigit():
        return text
    number, rule = phone.check(text, region=tenant.default_country or None)
    if rule:
        raise ValidationError(
            {
                "sender": (
                    f"Sender: {rule}. Give one of your numbers, a sender name of 1 to 11 letters, "
                    "digits and spaces, or leave it empty for all senders."
                )
            }
        )
    return str(number)


def opt_out_add(
    *, tenant, recipient, sender="", source=OptOut.Source.MANUAL, actor=None, note=""
) -> OptOut:
    """The opt-out of `recipient` from `sender` (blank: every sender of the tenant); the one
    already there if it exists (an "all senders" one covers every sender). Sent to Wavix on
    commit."""
    if source not in OptOut.Source.values:
        raise ValidationError({"source": f"“{str(source)[:20]}” is not an opt-out source."})
    digits = _recipient(tenant, recipient)
    sender_value = _sender(tenant, sender)
    note = str(note or "").strip()
    if len(note) > 255:
        raise ValidationError({"note": f"The note has {len(note)} characters: at most 255."})
    with scope(tenant=tenant):
        existing = (
            opt_out_for(tenant=tenant, sender=sender_value, recipient=digits)
            if sender_value
            else OptOut.objects.filter(tenant=tenant, recipient=digits, sender="").first()
        )
        if existing is not None:
            existing.already = True
            return existing
        opt_out = OptOut(
            tenant=tenant,
            recipient=digits,
            sender=sender_value,
            source=source,
            note=note,
            created_by=actor,
        )
        if source == OptOut.Source.PROVIDER:
            opt_out.synced_at = timezone.now()
        opt_out.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                opt_out.save()
                if source != OptOut.Source.PROVIDER:
                    transaction.on_commit(lambda: _enqueue_push(opt_out.pk))
        except IntegrityError:
            return OptOut.objects.get(tenant=tenant, recipient=digits, sender=sender_value)
    opt_out.already = False
    return opt_out


def _enqueue_push(opt_out_id: int) -> None:
    from ..tasks import push_opt_out

    push_opt_out.delay(opt_out_id)


def opt_out_remove(*, opt_out: OptOut, actor=None) -> None:
    """Removes it here (audited: the actor is the request's or the task's). Wavix keeps its
    own copy: its API cannot remove one."""
    with transaction.atomic():
        opt_out.delete()


def opt_out_lift(*, tenant, recipient, sender="") -> int:
    """A recipient who asked to get messages again (a START keyword to `sender`): removes the
    opt-outs that stop `sender` reaching them (its own and an "all senders" one); how many."""
    digits = _recipient(tenant, recipient)
    sender_value = _sender(tenant, sender)
    removed = 0
    with scope(tenant=tenant), transaction.atomic():
        rows = OptOut.objects.filter(tenant=tenant, recipient=digits)
        if sender_value:
            rows = rows.filter(sender__in=["", sender_value])
        for opt_out in rows:
            opt_out.delete()  # one by one, so each is audited
            removed += 1
    return removed


# --- CSV import ------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    recipient: str
    sender: str
    outcome: str  # "add", "exists", "error"
    message: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    error: str = ""

    @property
    def errors(self) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome == "error"]

    @property
    def added(self) -> int:
        return sum(r.outcome == "add" for r in self.rows)

    @property
    def existing(self) -> int:
        return sum(r.outcome == "exists" for r in self.rows)

    @property
    def ok(self) -> bool:
        return not self.error and not self.errors


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        rows = csvfile.read_rows(data, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS)
    except csvfile.CsvFileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    return [cells for _, cells in rows]


def opt_outs_import(*, tenant, data: bytes, dry_run: bool, actor=None) -> ImportReport:
    """Columns: recipient, sender (empty: all senders), note; a header row is optional. All or
    nothing: with an error in any row, nothing is added and the report names each row."""
    report = ImportReport(dry_run=dry_run)
    rows = _read_csv(data)
    if rows and rows[0] and rows[0][0].strip().lower() in HEADER_WORDS:
        rows = rows[1:]
        start = 2
    else:
        start = 1
    seen = set()
    with scope(tenant=tenant):
        for line, row in enumerate(rows, start=start):
            if not any(c.strip() for c in row):
                continue
            raw_recipient = row[0] if row else ""
            raw_sender = row[1] if len(row) > 1 else ""
            try:
                recipient = _recipient(tenant, raw_recipient)
                sender = _sender(tenant, raw_sender)
                if len(row) > 2 and len(row[2]) > 255:
                    raise ValidationError({"note": "The note is longer than 255 characters."})
            except ValidationError as exc:
                report.rows.append(
                    ImportRow(
                        line, raw_recipient[:40], raw_sender[:40], "error", " ".join(exc.messages)
                    )
                )
                continue
            found = (
                opt_out_for(tenant=tenant, sender=sender, recipient=recipient)
                if sender
                else OptOut.objects.filter(tenant=tenant, recipient=recipient, sender="").first()
            )
            if found is not None or (recipient, sender) in seen:
                report.rows.append(
                    ImportRow(line, recipient, sender, "exists", "Already opted out.")
                )
                continue
            seen.add((recipient, sender))
            report.rows.append(ImportRow(line, recipient, sender, "add"))
        if not report.rows:
            report.error = "The file has no rows."
        if dry_run or not report.ok:
            return report
        with transaction.atomic():
            for r in report.rows:
                if r.outcome == "add":
                    opt_out_add(
                        tenant=tenant,
                        recipient=r.recipient,
                        sender=r.sender,
                        source=OptOut.Source.IMPORT,
                        actor=actor,
                        note=_note_of(rows, r.line - start),
                    )
    return report


def _note_of(rows, index) -> str:
    row = rows[index]
    return row[2].strip() if len(row) > 2 else ""


# --- export ----------------------------------------------------------------------------------

EXPORT_HEADER = ["recipient", "sender", "source", "note", "added"]


def opt_outs_export_rows(queryset, *, tenant):
    """The rows of the CSV, read as they are streamed (after the view has returned, so the
    tenant's scope is entered here)."""
    with scope(tenant=tenant):
        for o in queryset.iterator(chunk_size=2000):
            yield [
                o.recipient,
                o.sender or "all senders",
                o.get_source_display(),
                o.note,
                o.created_at.isoformat(),
            ]


# --- keeping in step with Wavix --------------------------------------------------------------


def _targets(opt_out: OptOut) -> list[SenderId]:
    """The tenant's sender IDs Wavix knows that the opt-out applies to."""
    senders = SenderId.objects.filter(tenant_id=opt_out.tenant_id).select_related(
        "channel__wavix_account"
    )
    if opt_out.sender:
        senders = senders.filter(value=opt_out.sender)
    return [
        s
        for s in senders
        if s.channel.wavix_account_id and (s.kind == SenderKind.NUMERIC or s.provider_id)
    ]


def opt_out_push(*, opt_out_id: int, channel=None) -> bool:
    """Sends the opt-out to Wavix, for each sender ID it covers (outside any transaction);
    True when it reached Wavix. A failure leaves it for the periodic sync."""
    with scopes_disabled():
        opt_out = OptOut.objects.filter(pk=opt_out_id).first()
        if opt_out is None:
            return False
        targets = [t for t in _targets(opt_out) if channel is None or t.channel_id == channel.pk]
    if not targets:
        return False
    try:
        for sender in targets:
            client = WavixClient.for_account(sender.channel.wavix_account)
            client.create_opt_out(opt_out.recipient, sender_id=sender.value)
    except WavixError as exc:
        log.warning("opt-out %s not sent to Wavix: %s", opt_out_id, exc)
        return False
    with scopes_disabled():
        OptOut.objects.filter(pk=opt_out_id).update(synced_at=timezone.now())
    return True


def opt_outs_sync(*, channel, client: WavixClient, since=None) -> tuple[int, int]:
    """(opt-outs sent to Wavix, opt-outs taken from Wavix) for one channel: the portal's not
    yet on Wavix go there; Wavix's added since the last sync come here. One for a sender ID
    goes to that sender's tenant; one with no sender to every tenant with a sender ID on the
    channel, as "all senders"."""
    with scopes_disabled():
        senders = list(SenderId.objects.filter(channel=channel).select_related("tenant"))
        tenants = {s.tenant_id: s.tenant for s in senders}
        unsynced = list(
            OptOut.objects.filter(tenant_id__in=tenants, synced_at__isnull=True).values_list(
                "pk", flat=True
            )[:1000]
        )
    pushed = sum(opt_out_push(opt_out_id=pk, channel=channel) for pk in unsynced)
    filters = {"created_after": since.date()} if since else {}
    by_value = {s.value: s for s in senders}
    pulled = 0
    for item in client.list_opt_outs(**filters):
        created = parse_datetime(str(item.get("created_at") or ""))
        if since and created and created <= since:
            continue
        number = str(item.get("phone_number") or "").lstrip("+")
        sid = str(item.get("sender_id") or "").lstrip("+")
        if sid:
            owner = by_value.get(sid)
            owners = [(owner.tenant, sid)] if owner else []
        else:
            owners = [(t, "") for t in tenants.values()]
        for tenant, sender in owners:
            try:
                made = opt_out_add(
                    tenant=tenant,
                    recipient=number,
                    sender=sender,
                    source=OptOut.Source.PROVIDER,
                    note="From Wavix's list",
                )
            except ValidationError as exc:
                log.warning("opt-out from Wavix skipped (%s): %s", number[:20], exc.messages)
                continue
            pulled += not made.already
    return pushed, pulled
