"""Reads for pools and numbers."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from portal import phone
from portal.models import WavixAccount
from portal.phone import search_digits
from tenants.models import Tenant

from . import e911
from .models import (
    Did,
    DidNote,
    DidPool,
    E911Address,
    NumberDocument,
    NumberRange,
    ValidationPrice,
    ValidationResult,
    ValidatorSettings,
)
from .ranges import MAX_DIGITS, Pool, Span
from .validation import DEFAULT_PRICES


def owner_of(number: int) -> NumberRange | None:
    """The range that holds `number` (its tenant_id and pool_id set; `.tenant` and `.pool`
    load on access), in one indexed query: ranges never overlap, so it is the one with the
    greatest start not above the number. Routes inbound messages, so it crosses tenants
    (explicitly) and reads nothing more than the index row."""
    with scopes_disabled():
        row = (
            NumberRange.objects.filter(start__lte=number)
            .only("pk", "pool_id", "tenant_id", "start", "end")
            .order_by("-start")
            .first()
        )
    return row if row is not None and row.end >= number else None


# The tenant's numbers ------------------------------------------------------------------------


@dataclass
class NumberRow:
    number: int
    did: Did | None
    note: DidNote | None
    e911: E911Address | None = None

    @property
    def e164(self) -> str:
        return f"+{self.number}"

    @property
    def label(self) -> str:
        """The tenant's own label (its note)."""
        return self.note.label if self.note else ""

    @property
    def wavix_label(self) -> str:
        """The label the number has on Wavix (set by the provider, not the tenant)."""
        return self.did.label if self.did else ""

    @property
    def number_type(self) -> str:
        """What Wavix says the number is, or else what its numbering plan says."""
        return number_type_of(self.number, self.did)

    @property
    def e911_refusal(self) -> str | None:
        """Why this number cannot have an emergency address (None if it can)."""
        if self.did is None or self.did.status == Did.Status.RELEASED:
            return "Not held on Wavix."
        return e911.number_refusal(self.number, self.did.country)


def number_type_of(number: int, did: Did | None = None) -> str:
    """A number's type for lists and exports: Wavix's when the inventory has it, otherwise
    the numbering plan's ("Geographic", "Mobile", "Toll-free"...)."""
    if did is not None and did.number_type:
        return did.number_type.replace("_", " ").capitalize()
    return phone.number_type(number)


def tenant_pool(tenant: Tenant) -> Pool:
    """All numbers of all the tenant's pools (call inside the tenant's scope)."""
    return Pool(
        Span(s, e) for s, e in NumberRange.objects.filter(tenant=tenant).values_list("start", "end")
    )


def prefix_pool(prefix: str) -> Pool:
    """Every E.164 number that starts with these digits."""
    spans = []
    for length in range(len(prefix), MAX_DIGITS + 1):
        scale = 10 ** (length - len(prefix))
        spans.append(Span(int(prefix) * scale, (int(prefix) + 1) * scale - 1))
    return Pool(spans)


class NumberSequence:
    """The numbers a list shows, sliceable for Django's Paginator without expanding ranges:
    either a pool (arithmetic) or a query of numbers. A page joins its inventory and notes in
    two queries, whatever the page or pool size."""

    def __init__(self, tenant, *, pool: Pool | None = None, numbers_query=None):
        self.tenant = tenant
        self.pool = pool
        self.numbers_query = numbers_query

    def count(self) -> int:
        return self.pool.size if self.pool is not None else self.numbers_query.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[NumberRow]:
        start, stop = item.start or 0, item.stop
        if self.pool is not None:
            numbers = list(self.pool.numbers(start, None if stop is None else stop - start))
        else:
            numbers = list(self.numbers_query[start:stop])
        return rows_for(self.tenant, numbers)


EXPORT_CHUNK = 1000


def export_items(sequence: NumberSequence) -> Iterator[NumberRow | Span]:
    """The tenant's numbers as an export writes them: every number that holds data (held on
    Wavix, labelled, or with an emergency address) on its own row, and the numbers between
    them as ranges, so a pool of millions exports as a few rows. Queries: three per chunk of
    numbers with data, plus three to find them."""
    if sequence.pool is None:
        for offset in range(0, sequence.count(), EXPORT_CHUNK):
            yield from sequence[offset : offset + EXPORT_CHUNK]
        return
    pool = sequence.pool
    with_data = sorted(n for n in numbers_with_data(sequence.tenant) if n in pool)
    taken = 0
    for span in pool.ranges:
        end = bisect_right(with_data, span.end, lo=taken)
        inside, taken = with_data[taken:end], end
        cursor = span.start
        for i in range(0, len(inside), EXPORT_CHUNK):
            for row in rows_for(sequence.tenant, inside[i : i + EXPORT_CHUNK]):
                if row.number > cursor:
                    yield Span(cursor, row.number - 1)
                yield row
                cursor = row.number + 1
        if cursor <= span.end:
            yield Span(cursor, span.end)


def numbers_with_data(tenant: Tenant) -> set[int]:
    """The tenant's numbers that hold data: in the inventory, noted, or with an E911 record
    (call inside the tenant's scope)."""
    held = Did.objects.in_ranges_of(NumberRange.objects.filter(tenant=tenant))
    return {
        *held.values_list("number", flat=True),
        *DidNote.objects.values_list("number", flat=True),
        *E911Address.objects.values_list("number", flat=True),
    }


def rows_for(tenant: Tenant, numbers: list[int]) -> list[NumberRow]:
    dids = {d.number: d for d in Did.objects.filter(number__in=numbers)}
    notes = {n.number: n for n in DidNote.objects.filter(number__in=numbers)}
    addresses = {a.number: a for a in E911Address.objects.filter(number__in=numbers)}
    return [NumberRow(n, dids.get(n), notes.get(n), addresses.get(n)) for n in numbers]


SPAN_CHUNK = 500  # spans per query: SQLite limits how deep an expression may nest


def spans_q(spans) -> Q:
    """`number` inside any of these spans (no spans: nothing matches)."""
    query = Q(pk__in=[])
    for span in spans:
        query |= Q(number__gte=span.start, number__lte=span.end)
    return query


def chunked_spans_q(numbers: Pool) -> Iterator[Q]:
    """`spans_q` for the pool's ranges, `SPAN_CHUNK` at a time: one query per chunk."""
    spans = numbers.ranges
    for i in range(0, len(spans), SPAN_CHUNK):
        yield spans_q(spans[i : i + SPAN_CHUNK])


def prefix_q(digits: str) -> Q:
    """`number` starting with these digits."""
    return spans_q(prefix_pool(digits))


def tenant_numbers(
    tenant: Tenant, *, q: str = "", status: str = "", sms: str = ""
) -> NumberSequence:
    """The tenant's numbers, searched and filtered (inside the tenant's scope).

    `q` is a number prefix (digits, an optional +) or text matched in labels and descriptions;
    `status` is active, inactive or not_held (in the pool, not held on Wavix); `sms` is yes or
    no. Without inventory filters the list is the pool itself, paged arithmetically.
    """
    text = q.strip()
    digits = search_digits(text)
    noted = DidNote.objects.filter(
        Q(label__icontains=text) | Q(description__icontains=text)
    ).values_list("number", flat=True)
    if status in {"active", "inactive"} or sms in {"yes", "no"}:
        query = Did.objects.held().in_ranges_of(NumberRange.objects.all())
        if digits is not None:
            query = query.filter(prefix_q(digits))
        elif text:
            query = query.filter(number__in=noted)
        if status in {"active", "inactive"}:
            query = query.filter(status=status)
        if sms in {"yes", "no"}:
            query = query.filter(sms_enabled=sms == "yes")
        return NumberSequence(
            tenant, numbers_query=query.order_by("number").values_list("number", flat=True)
        )
    pool = tenant_pool(tenant)
    if digits is not None:
        pool &= prefix_pool(digits)
    elif text:
        pool &= Pool.of(*noted)
    if status == "not_held":
        held = Did.objects.held().in_ranges_of(NumberRange.objects.all())
        pool -= Pool.of(*held.values_list("number", flat=True))
    return NumberSequence(tenant, pool=pool)


def pool_usage(tenant: Tenant):
    """Per range of the tenant's pools: numbers held on Wavix, active, SMS-enabled,
    E911-registered (free = size - held). One query for a page of ranges."""
    return (
        NumberRange.objects.filter(tenant=tenant)
        .select_related("pool")
        .order_by("start")
        .annotate(
            held=_held_count(),
            active=_held_count(status=Did.Status.ACTIVE),
            sms_enabled=_held_count(sms_enabled=True),
            e911=_held_count(e911_registered=True),
        )
    )


def _held_count(**filters):
    """A correlated COUNT of held numbers inside the outer range (Func, not the Count aggregate,
    so no GROUP BY: the idiom for a count in a subquery)."""
    inside = (
        Did.objects.held()
        .filter(number__gte=OuterRef("start"), number__lte=OuterRef("end"), **filters)
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(inside[:1]), 0)


# E911 ----------------------------------------------------------------------------------------


def e911_capable_q() -> Q:
    """Inventory numbers that can have an emergency address: +1, not of a +1 country that has
    no E911 (Jamaica...), and a US or Canadian number by the inventory (toll-free numbers serve
    both). Mirrors e911.number_refusal."""
    toll_free = Q()
    for low, high in phone.nanp_spans(phone.nanp_toll_free_prefixes()):
        toll_free |= Q(number__gte=low, number__lte=high)
    foreign = Q()
    for low, high in phone.nanp_spans(e911.foreign_nanp_prefixes()):
        foreign |= Q(number__gte=low, number__lte=high)
    capable = Q(number__gte=12_000_000_000, number__lte=19_999_999_999) & (
        Q(country__in=["", *sorted(e911.E911_COUNTRIES)]) | toll_free
    )
    return capable & ~foreign if foreign else capable


def _provisioned_address():
    return E911Address._base_manager.filter(
        number=OuterRef("number"), status=E911Address.Status.PROVISIONED
    )


def e911_numbers(tenant: Tenant):
    """The tenant's numbers held on Wavix that can have an emergency address (call inside the
    tenant's scope)."""
    return (
        Did.objects.held()
        .filter(e911_capable_q())
        .in_ranges_of(NumberRange.objects.filter(tenant=tenant))
        .order_by("number")
    )


def e911_missing(tenant: Tenant):
    """Of those, the numbers with no provisioned emergency address."""
    return e911_numbers(tenant).exclude(Exists(_provisioned_address()))


def e911_missing_among(tenant: Tenant, numbers: Pool) -> int:
    """How many of these numbers, just put in the tenant's pool, lack an emergency address."""
    return sum(e911_missing(tenant).filter(q).count() for q in chunked_spans_q(numbers))


def e911_missing_count():
    """An annotation for a Tenant queryset: how many of its US/Canadian numbers held on Wavix
    have no provisioned emergency address (one correlated count, whatever the tenants)."""
    in_pool = NumberRange._base_manager.filter(
        tenant=OuterRef(OuterRef("pk")), start__lte=OuterRef("number"), end__gte=OuterRef("number")
    )
    missing = (
        Did.objects.held()
        .filter(e911_capable_q())
        .filter(Exists(in_pool))
        .exclude(Exists(_provisioned_address()))
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(missing[:1]), 0)


def tenant_e911(tenant: Tenant, *, q: str = "", state: str = ""):
    """The tenant's E911-capable numbers for the E911 page, searched (number prefix, or text in
    the address) and filtered by state: provisioned, missing, failed, pending."""
    rows = e911_numbers(tenant)
    text = q.strip()
    digits = search_digits(text)
    if digits is not None:
        rows = rows.filter(prefix_q(digits))
    elif text:
        matched = E911Address.objects.filter(
            Q(name__icontains=text)
            | Q(street__icontains=text)
            | Q(city__icontains=text)
            | Q(location__icontains=text)
        ).values("number")
        rows = rows.filter(number__in=matched)
    statuses = {
        "provisioned": [E911Address.Status.PROVISIONED],
        "failed": [E911Address.Status.FAILED],
        "pending": [E911Address.Status.PROVISIONING, E911Address.Status.REMOVING],
    }
    if state == "missing":
        rows = rows.exclude(Exists(E911Address._base_manager.filter(number=OuterRef("number"))))
    elif state in statuses:
        rows = rows.filter(
            Exists(
                E911Address._base_manager.filter(
                    number=OuterRef("number"), status__in=statuses[state]
                )
            )
        )
    return rows


def attach_labels(dids) -> None:
    """Sets `.tenant_label` (the owning tenant's own label, or "") and `.type_shown` on each
    inventory row, in one query across tenants (for system administrators)."""
    numbers = [d.number for d in dids]
    labels = dict(
        DidNote._base_manager.filter(number__in=numbers)
        .exclude(label="")
        .values_list("number", "label")
    )
    for did in dids:
        did.tenant_label = labels.get(did.number, "")
        did.type_shown = number_type_of(did.number, did)


def attach_e911(dids, *, scoped: bool = True) -> None:
    """Sets `.e911` (the address or None) on each inventory row, in one query."""
    numbers = [d.number for d in dids]
    manager = E911Address.objects if scoped else E911Address._base_manager
    addresses = {a.number: a for a in manager.filter(number__in=numbers)}
    for did in dids:
        did.e911 = addresses.get(did.number)
        did.e911_kind = {"toll_free": "Toll-free", "geographic": "Geographic"}.get(
            e911.number_kind(did.number) or "", ""
        )


# What the numbers app adds to other apps' pages and rules (registered in DidsConfig.ready).


def tenant_pools(tenant) -> dict:
    """The tenant's pools, on the platform's page of the tenant."""
    return {"pools": DidPool.objects.filter(tenant=tenant).order_by("name")}


def wavix_account_hold(account) -> str:
    """Why a Wavix account may not be deleted ("" if the inventory does not hold it): it still
    holds numbers that are not released."""
    if account.dids.exclude(status=Did.Status.RELEASED).exists():
        return f"“{account}” still holds numbers in the inventory; return them or move them first."
    return ""


def attach_sms_counts(pools) -> None:
    """Sets `sms_count` on each pool: how many of its numbers are SMS-enabled on Wavix (one
    query for the page)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import Did, NumberRange

    pools = list(pools)
    enabled = (
        Did.objects.filter(
            sms_enabled=True, number__gte=OuterRef("start"), number__lte=OuterRef("end")
        )
        .exclude(status=Did.Status.RELEASED)
        .order_by()
        .values("sms_enabled")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts: dict[int, int] = {}
    ranges = NumberRange.objects.filter(pool__in=[p.pk for p in pools]).annotate(
        sms=Coalesce(Subquery(enabled, output_field=IntegerField()), 0)
    )
    for pool_id, sms in ranges.values_list("pool_id", "sms"):
        counts[pool_id] = counts.get(pool_id, 0) + sms
    for pool in pools:
        pool.sms_count = counts.get(pool.pk, 0)


# The number validator ---------------------------------------------------------------------


def tenant_wavix_account(tenant: Tenant):
    """The Wavix account a tenant works through: the one holding most of the tenant's numbers,
    else the platform's default account (a tenant with no number yet), else None."""
    ranges = NumberRange._base_manager.filter(tenant=tenant)
    busiest = (
        Did.objects.held()
        .in_ranges_of(ranges)
        .exclude(account=None)
        .values("account")
        .annotate(n=Count("id"))
        .order_by("-n", "account")
        .first()
    )
    if busiest is not None:
        return WavixAccount.objects.filter(pk=busiest["account"]).first()
    return WavixAccount.objects.filter(is_default=True).first()


def validation_prices() -> dict:
    """{type: price per lookup}: what system administrators set, else the guide's defaults."""
    return DEFAULT_PRICES | dict(ValidationPrice.objects.values_list("type", "price"))


def validator_settings(tenant: Tenant):
    """The tenant's settings row, or an unsaved one with the defaults (the check off)."""
    with scopes_disabled():
        found = ValidatorSettings.objects.filter(tenant=tenant).first()
    return found or ValidatorSettings(tenant=tenant)


def latest_validation(tenant: Tenant, number: int, *, days: int):
    """The tenant's latest result for the number within the last `days`, or None."""
    since = timezone.now() - timedelta(days=days)
    with scopes_disabled():  # the tenant is named explicitly
        return (
            ValidationResult.objects.filter(tenant=tenant, number=number, validated_at__gte=since)
            .order_by("-validated_at")
            .first()
        )


def recipient_refusal(tenant: Tenant, number: int | str) -> str | None:
    """Why a message to `number` is refused by the tenant's send-time check (its latest
    recent result is invalid or unallocated), or None: messaging asks before queueing."""
    settings = validator_settings(tenant)
    if not settings.check_recipients:
        return None
    result = latest_validation(tenant, int(number), days=settings.recent_days)
    if result is None or (result.valid and not result.unallocated):
        return None
    found = "in an unallocated range" if result.unallocated else "invalid"
    when = timezone.localtime(result.validated_at)
    return (
        f"+{result.number} was found {found} by the number validator on "
        f"{when.day} {when:%b %Y}; messages to it are refused (your validator settings)."
    )


VALIDATION_EXPORT_HEADER = [
    "number",
    "valid",
    "type",
    "carrier",
    "ported",
    "reachable",
    "roaming",
    "risky",
    "unallocated",
    "timezone",
    "country",
    "national_format",
    "mcc",
    "mnc",
    "cost",
    "error_code",
    "validated_at",
]


def _yes_no(value) -> str:
    return "" if value is None else ("yes" if value else "no")


def validation_export_rows(job):
    """A job's results as CSV rows, streamed (numbers as E.164 digits)."""
    for r in job.results.order_by("number").iterator(chunk_size=2000):
        yield [
            str(r.number),
            _yes_no(r.valid),
            r.number_type,
            r.carrier,
            _yes_no(r.ported),
            _yes_no(r.reachable),
            _yes_no(r.roaming),
            _yes_no(r.risky),
            _yes_no(r.unallocated),
            r.timezone,
            r.country,
            r.national_format,
            r.mcc,
            r.mnc,
            r.cost,
            r.error_code,
            r.validated_at.isoformat(),
        ]


# Number documents ---------------------------------------------------------------------------

# A document in one of these states covers its type: no second one is offered or accepted.
COVERING = ("uploading", "pending", "approved")


def may_upload_documents(tenant: Tenant, user) -> bool:
    """System administrators always; a tenant's admins when the tenant allows it (the views
    check the tenant-admin role first)."""
    return bool(getattr(user, "is_system_admin", False) or tenant.uploads_documents)


def tenant_dids(tenant: Tenant):
    """The tenant's numbers held on Wavix (its pools' ranges, in the tenant's scope)."""
    return Did.objects.held().in_ranges_of(NumberRange._base_manager.filter(tenant=tenant))


def required_types(did: Did) -> list[int]:
    """The document types (1, 2, 3) Wavix requires of an inactive number."""
    from .documents import doc_type_of_title

    if did.status != Did.Status.INACTIVE:
        return []
    types = (doc_type_of_title(t) for t in did.required_docs or [])
    return sorted({t for t in types if t is not None})


@dataclass
class DocumentNeed:
    """One required document of one number and its latest document, if any."""

    doc_type: int
    title: str
    document: NumberDocument | None

    @property
    def open(self) -> bool:
        """Not covered: nothing uploaded, or the last one was rejected or failed."""
        return self.document is None or self.document.status not in COVERING


def document_needs(did: Did) -> list[DocumentNeed]:
    """What the number's page shows: each required type with its latest document; plus the
    approved documents of types Wavix no longer asks for (so a visitor sees them)."""
    from .documents import doc_title

    latest: dict[int, NumberDocument] = {}
    # By the number, which the caller has found among the tenant's (or, on the inventory,
    # a system administrator's) numbers: its documents are that tenant's.
    for doc in NumberDocument._base_manager.filter(did=did).select_related("upload").order_by("id"):
        latest[doc.doc_type] = doc
    types = required_types(did)
    shown = types + [t for t in sorted(latest) if t not in types]
    return [DocumentNeed(t, doc_title(t), latest.get(t)) for t in shown]


def open_types(did: Did) -> list[int]:
    """The types the number still needs a document of."""
    return [n.doc_type for n in document_needs(did) if n.open and n.doc_type in required_types(did)]


def numbers_needing(tenant: Tenant, doc_type: int, *, exclude: int | None = None) -> list[Did]:
    """The tenant's other inactive numbers of the same Wavix account that still need a
    document of this type (the "apply to several numbers" choices)."""
    from .documents import doc_title

    candidates = (
        tenant_dids(tenant)
        .filter(status=Did.Status.INACTIVE)
        .exclude(number=exclude)
        .exclude(
            Exists(
                NumberDocument.objects.filter(
                    did=OuterRef("pk"), doc_type=doc_type, status__in=COVERING
                )
            )
        )
        .order_by("number")
    )
    # The title is matched here, not in SQL: JSON containment is PostgreSQL's alone.
    title = doc_title(doc_type)
    return [d for d in candidates[:1000] if title in (d.required_docs or [])][:200]


def tenant_documents(tenant: Tenant):
    return NumberDocument.objects.select_related("did", "upload", "upload__created_by").order_by(
        "-created_at", "-id"
    )
