"""E911 writes and Wavix calls: validate an address, set it on numbers, remove it, reconcile.

Validation asks Wavix synchronously, with a short timeout: it changes nothing on Wavix, the
user cannot go on without its answer (the next screen is the match, the correction, the
candidates or the refusal), and a timeout is harmless (validate again). What changes Wavix,
associating and deleting, is a job carried out by a task, one number at a time with visible
progress, whether one number or a thousand.

Only a validated address is associated: validation returns a signed token that holds the
address as Wavix validated (or corrected) it, and setting an address takes that token, never
an address of the caller's own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal import audit, phone
from portal.validation import full_clean
from portal.wavix import plain
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError, WavixValidationError
from tenants.models import Tenant, User

from .. import e911, usage
from ..models import Did, E911Address, E911Job, NumberRange
from ..ranges import Pool, Span
from ..selectors import chunked_spans_q
from .e911_jobs import E911Runner

log = logging.getLogger(__name__)

TOKEN_SALT = "dids.e911.validated"
TOKEN_MAX_AGE = 3600  # seconds a validated address may wait before it is set
CANDIDATE_SALT = "dids.e911.candidate"
CANDIDATE_FIELDS = frozenset({*e911.ADDRESS_FIELDS, "zip_plus_four"})
MAX_CANDIDATES = 20  # shown of Wavix's candidates
# A signed candidate is a few hundred characters; anything much longer is not one of ours.
MAX_CANDIDATE_CHARS = 2000
MAX_NUMBERS = 5000  # per job
WAVIX_FAILED = "wavix_failed"  # the code of a ValidationError whose params hold the detail

# Wavix's validation statuses, in the order of its documentation.
STATUSES = {1: "full_match", 2: "corrected", 3: "candidates", 4: "no_match"}
OUTCOME_TEXT = {
    "full_match": "Wavix confirmed the address.",
    "corrected": "Wavix corrected the address: check the correction, then accept it or edit.",
    "candidates": "Wavix could not place the address exactly: choose one of its addresses, or "
    "edit yours (on a long street add the location: suite, floor or room).",
    "no_match": "Wavix does not know this address, so it cannot be registered for emergency "
    "calls: check it and try again.",
}


@dataclass
class Outcome:
    """What Wavix said about an address."""

    status: str
    submitted: dict
    suggested: dict = field(default_factory=dict)  # Wavix's address (full match, corrected)
    candidates: list[dict] = field(default_factory=list)
    token: str = ""  # for the suggested address, when it can be set
    changed: list[str] = field(default_factory=list)
    # Why Wavix's address cannot be set as it is (e.g. it has no street number).
    missing: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return OUTCOME_TEXT[self.status]

    @property
    def can_set(self) -> bool:
        return bool(self.token)

    @property
    def suggested_line(self) -> str:
        return e911.one_line(self.suggested)

    @property
    def comparison(self) -> list[tuple[str, str, str, bool]]:
        """(label, what was entered, what Wavix suggests, whether it changed) per field."""
        rows = []
        for name in (*e911.ADDRESS_FIELDS, "zip_plus_four"):
            mine, theirs = self.submitted.get(name, ""), self.suggested.get(name, "")
            rows.append((e911.LABELS[name], mine, theirs, name in self.changed))
        return rows

    # Each candidate signed (`candidate_token`), so the page carries it back unchanged.
    candidate_tokens: list[str] = field(default_factory=list)

    @property
    def candidate_choices(self) -> list[tuple[str, str]]:
        """(the candidate's signed token, the candidate as one line) for the radio buttons."""
        return [
            (token, e911.one_line(c))
            for token, c in zip(self.candidate_tokens, self.candidates, strict=True)
        ]


# Numbers ------------------------------------------------------------------------------------


def parse_numbers(values) -> list[int]:
    """Numbers as E.164 digits (with or without +), refused with the value if not."""
    numbers, bad = set(), []
    for value in values:
        if not str(value).strip().lstrip("+"):
            continue  # an empty entry, e.g. after a trailing comma
        number, why = phone.reason(str(value))
        if why is None:
            numbers.add(number)
        else:
            bad.append(str(value))
    if bad:
        raise ValidationError({"numbers": f"Not phone numbers in E.164 digits: {', '.join(bad)}."})
    if not numbers:
        raise ValidationError({"numbers": "Choose at least one number."})
    if len(numbers) > MAX_NUMBERS:
        raise ValidationError({"numbers": f"At most {MAX_NUMBERS} numbers at a time."})
    return sorted(numbers)


def tenant_pool_of(tenant: Tenant, numbers: list[int]) -> Pool:
    """The part of the tenant's pool that covers these numbers (one indexed query)."""
    spans = NumberRange.objects.filter(tenant=tenant).overlapping_any(Pool.of(*numbers).ranges)
    return Pool(Span(s, e) for s, e in spans.values_list("start", "end"))


def eligible_dids(tenant: Tenant, numbers: list[int]) -> list[Did]:
    """The inventory rows of these numbers, if every one can have an emergency address: in the
    tenant's pool, held on a Wavix account, US or Canadian. Otherwise every refusal, with its
    reason. Call inside the tenant's scope."""
    pool = tenant_pool_of(tenant, numbers)
    dids = {d.number: d for d in Did.objects.held().filter(number__in=numbers)}
    errors = []
    for number in numbers:
        did = dids.get(number)
        if not pool.contains(number):
            errors.append(f"+{number} is not one of {tenant.name}'s numbers.")
        elif did is None or did.account_id is None:
            errors.append(
                f"+{number} is not held on Wavix: an emergency address needs a number on a "
                "Wavix account."
            )
        elif refusal := e911.number_refusal(number, did.country):
            errors.append(refusal)
    if errors:
        raise ValidationError({"numbers": errors})
    return [dids[n] for n in numbers]


# Validation ---------------------------------------------------------------------------------


def clean_address(data: dict) -> dict:
    """The local rules, first: the normalized address, or every problem by field."""
    address = e911.normalize_address(data)
    errors = e911.address_errors(address, complete=False)
    if errors:
        raise ValidationError(errors)
    return address


def _token(tenant: Tenant, name: str, address: dict) -> str:
    return signing.dumps({"t": tenant.pk, "n": name, "a": address}, salt=TOKEN_SALT)


def candidate_token(tenant: Tenant, candidate: dict) -> str:
    return signing.dumps({"t": tenant.pk, "a": candidate}, salt=CANDIDATE_SALT, compress=True)


def read_candidate(tenant: Tenant, token: str) -> dict:
    """The Wavix candidate a page sent back (one of those `e911_validate` signed): its size is
    checked before anything is decoded, and its shape after."""
    choose = "Choose one of Wavix's addresses."
    if not token:
        raise ValidationError({"candidate": choose})
    if len(token) > MAX_CANDIDATE_CHARS:
        raise ValidationError(
            {
                "candidate": f"The chosen address is {len(token):,} characters long, more than "
                f"the {MAX_CANDIDATE_CHARS:,} a Wavix candidate takes: {choose[0].lower()}"
                f"{choose[1:]}"
            }
        )
    try:
        data = signing.loads(token, salt=CANDIDATE_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            {"candidate": "Wavix's addresses are more than an hour old: validate again."}
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            {"candidate": f"That is not one of the addresses Wavix offered. {choose}"}
        ) from exc
    candidate = data.get("a") if isinstance(data, dict) else None
    shaped = isinstance(candidate, dict) and all(
        k in CANDIDATE_FIELDS and isinstance(v, str) and len(v) <= 100 for k, v in candidate.items()
    )
    if not shaped or data.get("t") != tenant.pk:
        raise ValidationError({"candidate": f"That is not one of Wavix's addresses. {choose}"})
    return candidate


def read_token(tenant: Tenant, token: str) -> tuple[str, dict]:
    """The name and address a validation token holds, if it is this tenant's and fresh."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            {"validation": "The validation is more than an hour old: validate the address again."}
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            {
                "validation": "Validate the address with Wavix first: only a validated address "
                "can be set."
            }
        ) from exc
    if data.get("t") != tenant.pk:
        raise ValidationError({"validation": "This validation belongs to another tenant."})
    return data["n"], data["a"]


def wavix_address_of(raw: dict | None, location: str) -> dict:
    raw = raw or {}
    address = {f: str(raw.get(f) or "") for f in (*e911.ADDRESS_FIELDS, "zip_plus_four")}
    address["location"] = address["location"] or location
    address["state"] = address["state"].upper()
    return address


def validation_client(did: Did) -> WavixClient:
    return WavixClient.for_account(
        did.account, timeout=settings.E911_VALIDATE_TIMEOUT_SECONDS, max_retries=1
    )


def e911_validate(*, tenant: Tenant, numbers: list[int], data: dict) -> Outcome:
    """Checks the numbers and the address locally, then asks Wavix (for the first number:
    the address is the same for all)."""
    address = clean_address(data)
    dids = eligible_dids(tenant, numbers)
    name = address.pop("name")
    try:
        answer = validation_client(dids[0]).validate_e911_address(
            phone_number=str(dids[0].number), name=name, address=address
        )
    except WavixValidationError as exc:
        raise ValidationError(f"Wavix refused the address: {exc.message}") from exc
    except WavixError as exc:
        log.warning("E911 validation for +%s failed: %s", dids[0].number, exc)
        message = (
            f"{plain.cause(exc)}, so the address could not be validated. Nothing was changed; "
            f"try again in a minute ({plain.SUPPORT})."
        )
        raise ValidationError(
            message.replace("%", "%%"),  # formatted with `params`
            code=WAVIX_FAILED,
            params={"detail": str(exc)},
        ) from exc
    answer = answer or {}
    status = STATUSES.get(answer.get("status"))
    if status is None:
        raise ValidationError(
            f"Wavix answered the validation with an unknown status {answer.get('status')!r}."
        )
    outcome = Outcome(status=status, submitted={**address, "name": name})
    if status in ("full_match", "corrected"):
        suggested = wavix_address_of(
            answer.get("corrected_address") or address, address["location"]
        )
        outcome.suggested = suggested
        outcome.changed = e911.changed_fields(address, suggested)
        outcome.missing = list(e911.address_errors({**suggested, "name": name}).values())
        if not outcome.missing:
            outcome.token = _token(tenant, name, suggested)
    elif status == "candidates":
        outcome.candidates = [
            wavix_address_of(c, address["location"]) for c in answer.get("candidates") or []
        ][:MAX_CANDIDATES]
        outcome.candidate_tokens = [candidate_token(tenant, c) for c in outcome.candidates]
    return outcome


# Set and remove -----------------------------------------------------------------------------


def _queue(job: E911Job) -> E911Job:
    full_clean(job)
    job.save()
    E911Runner.enqueue(job.pk)
    return job


def _locked_records(numbers: list[int]) -> dict[int, E911Address]:
    """The numbers' addresses, locked, by number."""
    return {a.number: a for a in E911Address.objects.select_for_update().filter(number__in=numbers)}


def _refuse_busy(records: dict[int, E911Address]) -> None:
    """Refused while a job is setting or removing one of these addresses on Wavix."""
    busy = [a for a in records.values() if a.status in (a.Status.PROVISIONING, a.Status.REMOVING)]
    if busy:
        raise ValidationError(
            {
                "numbers": [
                    f"+{a.number} is being changed on Wavix ({a.get_status_display().lower()}); "
                    "wait for that to finish."
                    for a in busy
                ]
            }
        )


@transaction.atomic
def e911_set(
    *, tenant: Tenant, numbers: list[int], token: str, user: User | None = None
) -> E911Job:
    """Saves the validated address on every number (status "provisioning") and queues the job
    that associates it on Wavix. All or nothing: one refused number refuses the request."""
    name, address = read_token(tenant, token)
    eligible_dids(tenant, numbers)
    existing = _locked_records(numbers)
    _refuse_busy(existing)
    with scopes_disabled():  # a number has one E911 record, whichever tenant made it
        taken = set(
            E911Address.objects.filter(number__in=set(numbers) - set(existing)).values_list(
                "number", flat=True
            )
        )
    if taken:
        raise ValidationError(
            {"numbers": [f"+{n} already has an emergency address." for n in sorted(taken)]}
        )
    job = _queue(
        E911Job(
            tenant=tenant,
            kind=E911Job.Kind.SET,
            numbers=numbers,
            total=len(numbers),
            requested_by=user,
        )
    )
    # Written in bulk (up to MAX_NUMBERS in one request), audited like any other write.
    now = timezone.now()
    created, updated, befores = [], [], []
    for number in numbers:
        record = existing.get(number)
        if record is None:
            record = E911Address(tenant=tenant, number=number)
            created.append(record)
        else:
            befores.append(audit.snapshot(record))
            updated.append(record)
        for name_, value in {**address, "name": name}.items():
            setattr(record, name_, value)
        record.status, record.job = E911Address.Status.PROVISIONING, job
        record.error = record.error_detail = ""
        record.validated_at = record.updated_at = now
        # The fields as typed are checked; uniqueness was one query above for all, and the
        # tenant and the job are the rows in hand (checking them is a query per number).
        full_clean(record, exclude=["tenant", "job"], validate_unique=False)
    E911Address.objects.bulk_create(created)
    written = ["name", *address, "status", "error", "error_detail", "job", "validated_at"]
    written.append("updated_at")
    E911Address.objects.bulk_update(updated, written)
    audit.record_many(
        [(r, "create", None, audit.snapshot(r)) for r in created]
        + [(r, "update", b, audit.snapshot(r)) for r, b in zip(updated, befores, strict=True)]
    )
    return job


@transaction.atomic
def e911_remove(*, tenant: Tenant, numbers: list[int], user: User | None = None) -> E911Job:
    """Queues deleting the numbers' E911 records on Wavix: emergency calling stops for them."""
    records = _locked_records(numbers)
    missing = sorted(set(numbers) - set(records))
    if missing:
        raise ValidationError(
            {"numbers": [f"+{n} has no emergency address to remove." for n in missing]}
        )
    _refuse_busy(records)
    job = _queue(
        E911Job(
            tenant=tenant,
            kind=E911Job.Kind.REMOVE,
            numbers=sorted(numbers),
            total=len(numbers),
            requested_by=user,
        )
    )
    for record in records.values():
        record.status, record.job = E911Address.Status.REMOVING, job
        record.save(update_fields=["status", "job", "updated_at"])
    return job


# Usage: a number with an E911 record is in use ----------------------------------------------


def e911_uses(tenant: Tenant | None, numbers: Pool) -> list[usage.Use]:
    """Numbers among these with an emergency address (of this tenant; of any with None)."""
    if not numbers:
        return []
    with scopes_disabled():
        rows = E911Address.objects.all()
        if tenant is not None:
            rows = rows.filter(tenant=tenant)
        return [
            usage.Use(number, f"E911 emergency address ({status}); delete it first")
            for q in chunked_spans_q(numbers)
            for number, status in rows.filter(q).values_list("number", "status")
        ]
