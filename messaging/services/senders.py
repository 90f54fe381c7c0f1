"""Sender IDs: a tenant's numbers (numeric) and names (alphanumeric) that its messages show
as their sender, registered on Wavix per destination country.

A write here saves the sender ID and its countries (state "checking") and queues a job
(`SenderJob`) on the one runner; the job asks Wavix, per country, whether the sender type can
be listed there by self-service, registers the sender ID, and records where it is
allow-listed. Countries that need paperwork are "manual registration needed" with what to do.
The periodic sync (`sender_sync_start`) moves them on when Wavix lists them. Wavix is never
called inside a transaction: claimed in one, called outside, recorded in another.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.models import Did
from dids.ranges import Pool
from dids.selectors import chunked_spans_q, tenant_pool
from dids.usage import Use
from portal import audit
from portal.jobs.models import ACTIVE_STATES
from portal.jobs.runner import JobRunner, Outcome
from portal.phone import region_name
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError, WavixNotFound, WavixValidationError

from ..models import (
    Channel,
    ChannelKind,
    MonthlyVolume,
    SenderCountry,
    SenderId,
    SenderJob,
    SenderKind,
    SenderUsecase,
)
from ..selectors import ALPHANUMERIC_REFUSED
from .channel_numbers import number_channel, on_a_channel

NAME_RULE = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
MAX_COUNTRIES = 60
MAX_SAMPLES = 5
MAX_SAMPLE_CHARS = 160
MAX_NUMBER_CHOICES = 500  # the drop-down's length
State = SenderCountry.State


# --- reads the forms and the API share -------------------------------------------------------


@lru_cache(maxsize=1)
def _all_regions() -> tuple[tuple[str, str], ...]:
    regions = (r for r in phonenumbers.SUPPORTED_REGIONS if len(r) == 2 and r.isalpha())
    return tuple(sorted(((r, region_name(r)) for r in regions), key=lambda c: c[1]))


def country_choices(kind: str = "") -> list[tuple[str, str]]:
    """Destination countries a sender ID of `kind` may be registered for: every country of
    the numbering plan, without the US and Canada for names."""
    refused = ALPHANUMERIC_REFUSED if kind == SenderKind.ALPHANUMERIC else frozenset()
    return [(code, f"{name} ({code})") for code, name in _all_regions() if code not in refused]


def _tenant_dids(tenant):
    pool = tenant_pool(tenant)
    if not pool:
        return Did.objects.none(), pool
    query = None
    for q in chunked_spans_q(pool):
        query = q if query is None else query | q
    return Did.objects.filter(query), pool


@dataclass(frozen=True)
class NumberChoices:
    numbers: list[Did]
    why_empty: str


def sender_number_choices(tenant) -> NumberChoices:
    """The tenant's numbers that can be numeric sender IDs (in its pool, active and
    SMS-enabled on a Wavix account with a messaging channel, not one already), and, when
    there are none, why, in plain words."""
    dids, pool = _tenant_dids(tenant)
    if not pool:
        return NumberChoices(
            [],
            "Your organisation has no numbers yet. A numeric sender ID is "
            "one of your numbers: ask your system administrator to add "
            "numbers to your pool.",
        )
    active = dids.filter(status=Did.Status.ACTIVE)
    sms = active.filter(sms_enabled=True)
    if not sms.exists():
        return NumberChoices(
            [],
            "None of your numbers is SMS-enabled. A numeric sender "
            "ID must be an SMS-enabled number (Wavix enables SMS on US and "
            "Canadian numbers on request): ask your system administrator.",
        )
    on_channel = sms.filter(on_a_channel())
    if not on_channel.exists():
        return NumberChoices(
            [],
            "Your SMS-enabled numbers are on a Wavix account that has no "
            "messaging channel yet: ask your system administrator.",
        )
    free = list(_not_taken(on_channel).order_by("number")[:MAX_NUMBER_CHOICES])
    if not free:
        return NumberChoices([], "Each of your SMS-enabled numbers is already a sender ID.")
    return NumberChoices(free, "")


def _not_taken(dids):
    # The sender IDs of every tenant: a number is one sender ID at most (unique on the row).
    taken = SenderId._base_manager.filter(number__isnull=False).values("number")
    return dids.exclude(number__in=taken).select_related(
        "account__messaging_channel", "channel_link__channel"
    )


def _eligible(tenant):
    dids, _ = _tenant_dids(tenant)
    return _not_taken(dids.filter(on_a_channel(), status=Did.Status.ACTIVE, sms_enabled=True))


def tenant_channel(tenant) -> Channel | None:
    """The channel a tenant's names are registered on: the messaging channel of the Wavix
    account that holds most of its numbers, else the channel most of its attached numbers
    are on."""
    dids, pool = _tenant_dids(tenant)
    if not pool:
        return None
    best = (
        dids.filter(account__messaging_channel__isnull=False)
        .values("account")
        .annotate(n=Count("id"))
        .order_by("-n", "account")
        .first()
    )
    if best:
        return Channel.objects.filter(wavix_account=best["account"]).first()
    attached = (
        dids.filter(channel_link__isnull=False)
        .values("channel_link__channel")
        .annotate(n=Count("id"))
        .order_by("-n", "channel_link__channel")
        .first()
    )
    if attached:
        return Channel.objects.filter(pk=attached["channel_link__channel"]).first()
    return None


def sender_jobs(sender: SenderId):
    return SenderJob.objects.filter(sender=sender).order_by("-created_at", "-id")


def sender_active_job(sender: SenderId) -> SenderJob | None:
    return sender_jobs(sender).filter(status__in=ACTIVE_STATES).first()


# --- writes ----------------------------------------------------------------------------------


def _clean_countries(kind: str, countries) -> list[str]:
    if isinstance(countries, str) or not isinstance(countries, (list, tuple, set)):
        raise ValidationError({"countries": "Choose the destination countries as a list."})
    if len(countries) > MAX_COUNTRIES:
        raise ValidationError(
            {"countries": f"{len(countries)} countries chosen: at most {MAX_COUNTRIES}."}
        )
    known = dict(_all_regions())
    chosen = []
    for raw in countries:
        code = str(raw).strip().upper()[:3]
        if code not in known:
            shown = str(raw)[:10]
            raise ValidationError(
                {
                    "countries": f"“{shown}” is not a country code (ISO 3166, "
                    "two letters, such as GB)."
                }
            )
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        raise ValidationError({"countries": "Choose at least one destination country."})
    refused = sorted(set(chosen) & ALPHANUMERIC_REFUSED)
    if kind == SenderKind.ALPHANUMERIC and refused:
        raise ValidationError(
            {
                "countries": (
                    f"A name cannot send to {', '.join(refused)}: carriers in the United "
                    "States and Canada accept only numbers as senders. Remove them, or use "
                    "one of your numbers."
                )
            }
        )
    return sorted(chosen)


def _clean_samples(samples) -> list[str]:
    if samples in (None, ""):
        return []
    if isinstance(samples, str):
        samples = samples.splitlines()
    if not isinstance(samples, (list, tuple)):
        raise ValidationError({"samples": "Give the sample messages as a list."})
    cleaned = [str(s).strip() for s in samples if str(s).strip()]
    if len(cleaned) > MAX_SAMPLES:
        raise ValidationError(
            {"samples": f"{len(cleaned)} sample messages: at most {MAX_SAMPLES}."}
        )
    for s in cleaned:
        if len(s) > MAX_SAMPLE_CHARS:
            raise ValidationError(
                {
                    "samples": f"The sample “{s[:30]}…” has {len(s)} characters: "
                    f"at most {MAX_SAMPLE_CHARS}."
                }
            )
    return cleaned


def _choice(field: str, value, choices) -> str:
    if value not in dict(choices):
        raise ValidationError(
            {field: f"“{str(value)[:30]}” is not one of: {', '.join(dict(choices))}."}
        )
    return value


def _numeric_value(tenant, value) -> tuple[str, Did]:
    digits = re.sub(r"[\s()+.-]", "", str(value))[:20]
    is_number = digits.isdigit() and len(digits) <= 15  # E.164: at most 15 digits
    did = _eligible(tenant).filter(number=int(digits)).first() if is_number else None
    if did is None:
        why = sender_number_choices(tenant).why_empty or "Choose one of the numbers offered."
        raise ValidationError(
            {
                "number": f"“{str(value)[:20]}” cannot be a sender ID: it must be an SMS-enabled "
                f"number of yours on a messaging channel that is not a sender ID yet. {why}"
            }
        )
    return digits, did


def sender_create(
    *,
    tenant,
    kind: str,
    value: str,
    countries,
    usecase: str = SenderUsecase.TRANSACTIONAL,
    monthly_volume: str = MonthlyVolume.V1,
    samples=None,
    actor=None,
) -> SenderId:
    """A new sender ID of the tenant, registered on Wavix by a job for `countries`."""
    kind = _choice("kind", kind, SenderKind.choices)
    usecase = _choice("usecase", usecase, SenderUsecase.choices)
    monthly_volume = _choice("monthly_volume", monthly_volume, MonthlyVolume.choices)
    chosen = _clean_countries(kind, countries)
    sample_list = _clean_samples(samples)
    number = None
    if kind == SenderKind.NUMERIC:
        value, did = _numeric_value(tenant, value)
        channel, number = number_channel(did), did.number
    else:
        value = str(value or "").strip()
        if not NAME_RULE.fullmatch(value):
            raise ValidationError(
                {
                    "name": f"“{value[:20]}” is not a valid sender name: use 1 to "
                    "11 ASCII letters, digits and spaces, with at least "
                    "one letter."
                }
            )
        channel = tenant_channel(tenant)
        if channel is None:
            raise ValidationError(
                {
                    "name": "Your numbers are on no messaging channel yet, so a "
                    "name cannot be registered: ask your system "
                    "administrator."
                }
            )
    with scopes_disabled():
        if SenderId.objects.filter(channel=channel, value=value).exists():
            raise ValidationError(
                {
                    "name" if kind == SenderKind.ALPHANUMERIC else "number": (
                        f"“{value}” is already a sender ID on this channel: choose another."
                    )
                }
            )
    sender = SenderId(
        tenant=tenant,
        channel=channel,
        kind=kind,
        value=value,
        number=number,
        usecase=usecase,
        monthly_volume=monthly_volume,
        samples=sample_list,
        created_by=actor,
    )
    sender.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                sender.save()
        except IntegrityError:
            raise ValidationError(
                {"number" if number else "name": f"“{value}” was just made a sender ID."}
            ) from None
        SenderCountry.objects.bulk_create(
            [SenderCountry(sender=sender, tenant=tenant, country=c) for c in chosen]
        )
        audit.record(
            sender,
            "update",
            None,
            {"countries": chosen},
            message=f"Countries to register: {', '.join(chosen)}",
        )
        _start_registration(sender)
    return sender


def sender_countries_set(*, sender: SenderId, countries) -> SenderId:
    """Adds and removes destination countries; the new ones are checked and the sender ID is
    registered again with the new list."""
    chosen = _clean_countries(sender.kind, countries)
    with transaction.atomic():
        sender = SenderId.objects.select_for_update().get(pk=sender.pk)
        current = set(SenderCountry.objects.filter(sender=sender).values_list("country", flat=True))
        added, removed = sorted(set(chosen) - current), sorted(current - set(chosen))
        if not added and not removed:
            return sender
        SenderCountry.objects.filter(sender=sender, country__in=removed).delete()
        SenderCountry.objects.bulk_create(
            [SenderCountry(sender=sender, tenant=sender.tenant, country=c) for c in added]
        )
        audit.record(
            sender,
            "update",
            {"countries": sorted(current)},
            {"countries": chosen},
            message=_change_note(added, removed),
        )
        _start_registration(sender)
    return sender


def _change_note(added, removed) -> str:
    parts = []
    if added:
        parts.append(f"added {', '.join(added)}")
    if removed:
        parts.append(f"removed {', '.join(removed)}")
    return "Countries " + "; ".join(parts)


def sender_retry(*, sender: SenderId) -> SenderId:
    """Registers again: refused countries are checked again."""
    with transaction.atomic():
        SenderCountry.objects.filter(sender=sender, state=State.REFUSED).update(
            state=State.CHECKING, note=""
        )
        _start_registration(sender)
    return sender


def sender_delete(*, sender: SenderId) -> None:
    """Deletes the sender ID; messages can no longer be sent from it. Its registration is
    removed from Wavix by a job."""
    with transaction.atomic():
        sender = SenderId.objects.select_for_update().get(pk=sender.pk)  # its Wavix id now
        if sender.provider_id:
            job = SenderJob.objects.create(
                kind=SenderJob.Kind.UNREGISTER,
                channel=sender.channel,
                tenant=sender.tenant,
                sender_value=sender.value,
                provider_id=sender.provider_id,
            )
            SenderJobRunner.enqueue(job.pk)
        SenderJob.objects.filter(sender=sender, status__in=ACTIVE_STATES).update(
            status=SenderJob.Status.FAILED,
            error="The sender ID was deleted.",
            finished_at=timezone.now(),
        )
        sender.delete()


def _start_registration(sender: SenderId) -> SenderJob:
    return SenderJobRunner.start_or_join(
        states=ACTIVE_STATES,
        key={"sender": sender, "kind": SenderJob.Kind.REGISTER},
        channel=sender.channel,
        tenant=sender.tenant,
        sender_value=sender.value,
    )


def sender_sync_start(*, channel: Channel) -> SenderJob:
    """The channel's sync with Wavix (allow-listing and opt-outs), or the one already under
    way."""
    return SenderJobRunner.start_or_join(
        states=ACTIVE_STATES, key={"channel": channel, "kind": SenderJob.Kind.SYNC}
    )


def senders_sync_all() -> int:
    """The beat's sync: one job per Wavix channel that has sender IDs."""
    with scopes_disabled():
        ids = set(SenderId.objects.values_list("channel_id", flat=True))
    channels = Channel.objects.filter(pk__in=ids, wavix_account__isnull=False)
    return len([sender_sync_start(channel=c) for c in channels])


# --- the usage registry (dids.usage) ---------------------------------------------------------


def sender_number_uses(tenant, numbers: Pool) -> list[Use]:
    """A numeric sender ID's number cannot leave the pool or go back to Wavix."""
    with scopes_disabled():
        senders = SenderId.objects.filter(number__isnull=False)
        if tenant is not None:
            senders = senders.filter(tenant=tenant)
        return [
            Use(number, f"sender ID “+{value}”")
            for number, value in senders.values_list("number", "value")
            if numbers.contains(number)
        ]


# --- the job ---------------------------------------------------------------------------------


def manual_note(country: str, kind: str) -> str:
    name = region_name(country)
    what = "a name" if kind == SenderKind.ALPHANUMERIC else "a number"
    return (
        f"{name} needs paperwork before {what} can send there: Wavix's provisioning team "
        "e-mails you the documents to provide (usually a letter of authorisation and your "
        "company registration). It shows here as allow-listed once Wavix lists it."
    )[:255]


PENDING_NOTE = "Wavix lists it by itself, usually within minutes; the portal checks regularly."


class SenderJobRunner(JobRunner):
    model = SenderJob
    task = "messaging.tasks.run_sender_job"

    def perform(self) -> Outcome | None:
        with scopes_disabled():
            if self.job.kind == SenderJob.Kind.REGISTER:
                return self.register()
            if self.job.kind == SenderJob.Kind.UNREGISTER:
                return self.unregister()
            return self.sync()

    def client(self) -> WavixClient:
        return WavixClient.for_account(self.job.channel.wavix_account)

    # registration ------------------------------------------------------------------------

    # A change of countries while a registration runs joins it: the job goes round again
    # until what it registered is the list the tenant chose (a few times at most).
    MAX_PASSES = 3

    def register(self) -> Outcome:
        outcome = None
        for _ in range(self.MAX_PASSES):
            sender = SenderId.objects.filter(pk=self.job.sender_id).first()
            if sender is None:
                return Outcome.succeeded("The sender ID was deleted before it was registered.")
            outcome, registered = self.register_once(sender)
            current = set(
                SenderCountry.objects.filter(sender=sender).values_list("country", flat=True)
            )
            if outcome.status != SenderJob.Status.SUCCEEDED or current == registered:
                break
        return outcome

    def register_once(self, sender: SenderId) -> tuple[Outcome, set[str]]:
        if self.job.channel.kind != ChannelKind.WAVIX:
            return self.record_without_registry(sender)
        client = self.client()
        rows = list(SenderCountry.objects.filter(sender=sender))
        to_check = [r for r in rows if r.state == State.CHECKING]
        self.progress(countries_total=len(to_check), countries_done=0)
        self_service = {}
        for row in to_check:
            self_service[row.country] = client.sender_id_self_service(row.country, sender.kind)
            self.progress(countries_done=F("countries_done") + 1)
        for row in rows:
            self_service.setdefault(row.country, row.state != State.MANUAL)
        countries = [r.country for r in rows]
        try:
            answer = self.replace_on_wavix(client, sender, countries)
        except (WavixValidationError, WavixNotFound) as exc:
            self.record_refusal(sender, exc)
            failed = Outcome.failed(f"Wavix refused the registration: {exc.message}", str(exc))
            return failed, set(countries)
        return self.record_registration(sender, answer, self_service), set(countries)

    def record_without_registry(self, sender: SenderId) -> tuple[Outcome, set[str]]:
        """A channel other than Wavix has no sender-ID registry: the provider takes the
        sender as the channel's account allows, so every chosen country is usable at once."""
        provider = self.job.channel.get_kind_display()
        note = f"No registration on {provider}: the account's own settings decide."[:255]
        with transaction.atomic():
            rows = SenderCountry.objects.select_for_update().filter(sender=sender)
            countries = set(rows.values_list("country", flat=True))
            rows.update(state=State.ALLOWLISTED, note=note)
        return Outcome.succeeded(
            f"Usable at once on {provider} (no registration there)."
        ), countries

    def replace_on_wavix(self, client: WavixClient, sender: SenderId, countries) -> dict:
        """Wavix has no update: an earlier registration (ours, or one whose answer was lost)
        is deleted and the sender ID registered again with the whole country list."""
        for existing in client.list_sender_ids():
            if (
                existing.get("id") == sender.provider_id
                or existing.get("sender_id") == sender.value
            ):
                with contextlib.suppress(WavixNotFound):
                    client.delete_sender_id(str(existing["id"]))
        if not countries:
            return {}
        return client.create_sender_id(
            {
                "sender_id": sender.value,
                "type": sender.kind,
                "countries": countries,
                "usecase": sender.usecase,
                "monthly_volume": sender.monthly_volume,
                "samples": sender.samples or [],
            }
        )

    def record_registration(self, sender, answer: dict, self_service: dict) -> Outcome:
        listed = set(answer.get("allowlisted_in") or [])
        with transaction.atomic():
            sender = SenderId.objects.select_for_update().filter(pk=sender.pk).first()
            if sender is None:
                return Outcome.succeeded("The sender ID was deleted meanwhile.")
            sender.provider_id = str(answer.get("id") or "")
            sender.synced_at = timezone.now()
            sender.save(update_fields=["provider_id", "synced_at", "updated_at"])
            summary = {}
            for row in SenderCountry.objects.filter(sender=sender, country__in=self_service):
                if row.country in listed:
                    row.state, row.note = State.ALLOWLISTED, ""
                elif self_service.get(row.country, True):
                    row.state, row.note = State.PENDING, PENDING_NOTE
                else:
                    row.state, row.note = State.MANUAL, manual_note(row.country, sender.kind)
                row.save(update_fields=["state", "note", "updated_at"])
                summary.setdefault(row.get_state_display(), []).append(row.country)
            note = "; ".join(f"{label}: {', '.join(c)}" for label, c in summary.items())
            audit.record(
                sender,
                "update",
                None,
                {"registration": note},
                message=f"Registered on Wavix. {note}",
            )
        return Outcome.succeeded(f"Registered on Wavix. {note}")

    def record_refusal(self, sender, exc: WavixError) -> None:
        with transaction.atomic():
            SenderCountry.objects.filter(sender=sender).exclude(state=State.ALLOWLISTED).update(
                state=State.REFUSED, note=f"Wavix refused it: {exc.message}"[:255]
            )

    # removal -----------------------------------------------------------------------------

    def unregister(self) -> Outcome:
        try:
            self.client().delete_sender_id(self.job.provider_id)
        except WavixNotFound:
            return Outcome.succeeded("It was no longer on Wavix.")
        return Outcome.succeeded(f"“{self.job.sender_value}” was removed from Wavix.")

    # the periodic sync -------------------------------------------------------------------

    def sync(self) -> Outcome:
        from .optouts import opt_outs_sync

        remote = {str(s.get("id")): s for s in self.client().list_sender_ids()}
        moved = 0
        for sender in SenderId.objects.filter(channel=self.job.channel).exclude(provider_id=""):
            found = remote.get(sender.provider_id)
            moved += self.sync_sender(sender, found)
        pushed, pulled = opt_outs_sync(
            channel=self.job.channel, client=self.client(), since=self.last_sync_started()
        )
        return Outcome.succeeded(
            f"{moved} countr{'y' if moved == 1 else 'ies'} changed state; "
            f"{pushed} opt-out(s) sent to Wavix, {pulled} taken from Wavix."
        )

    def last_sync_started(self):
        last = (
            SenderJob.objects.filter(
                channel=self.job.channel,
                kind=SenderJob.Kind.SYNC,
                status=SenderJob.Status.SUCCEEDED,
            )
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
        return last

    def sync_sender(self, sender: SenderId, found: dict | None) -> int:
        listed = set((found or {}).get("allowlisted_in") or [])
        moved = 0
        with transaction.atomic():
            for row in SenderCountry.objects.select_for_update().filter(sender=sender):
                new = row.state
                if found is None and row.state != State.REFUSED:
                    new, note = (
                        State.REFUSED,
                        ("Wavix no longer has this sender ID: register it again (Retry)."),
                    )
                elif row.country in listed and row.state in (State.PENDING, State.MANUAL):
                    new, note = State.ALLOWLISTED, ""
                elif row.country not in listed and row.state == State.ALLOWLISTED:
                    new, note = State.PENDING, "Wavix no longer lists it; it is under review."
                if new != row.state:
                    audit.record(
                        sender,
                        "update",
                        {f"country {row.country}": row.state},
                        {f"country {row.country}": new},
                        message=f"{row.country}: {row.get_state_display()} → "
                        f"{dict(State.choices)[new]} (Wavix sync)",
                    )
                    row.state, row.note = new, note
                    row.save(update_fields=["state", "note", "updated_at"])
                    moved += 1
            SenderId.objects.filter(pk=sender.pk).update(synced_at=timezone.now())
        return moved
