"""Speech search: the tenant's calls of a date range and direction whose transcript contains
all of (`must`), any of (`match`) or none of (`exclude`) given phrases, said by the agent, the
client or anyone.

Wavix's search is account-wide and paged, so it runs as a job (`SpeechSearchRunner`): each
page's calls are kept only when they are the tenant's own (its `Cdr` rows by call id), then
the transcripts the portal lacks are fetched, so the results can show the lines that matched.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django_scopes import scopes_disabled

from portal import audit
from portal.jobs.runner import JobRunner, Outcome
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixNotFound
from tenants.models import Tenant

from .. import speech
from ..models import Cdr, SpeechHit, SpeechSearch, Transcript
from .speech import transcript_store

MAX_HITS = 500  # calls kept per search: a larger result asks for a narrower search


def clean_criteria(criteria: dict) -> dict:
    """{speaker: {kind: [phrases]}} with only the lists given; at least one phrase."""
    out = {}
    for speaker in speech.SPEAKERS:
        lists = {k: list(v) for k, v in (criteria.get(speaker) or {}).items() if v}
        if lists:
            out[speaker] = lists
    if not out:
        raise ValidationError("Give at least one word or phrase to look for.")
    return out


def speech_search_start(
    *, tenant: Tenant, user, date_from: date, date_to: date, direction: str, criteria: dict
) -> SpeechSearch:
    if date_to < date_from:
        raise ValidationError({"date_to": f"The end ({date_to}) is before the start."})
    days = (date_to - date_from).days + 1
    if days > settings.SPEECH_SEARCH_MAX_DAYS:
        raise ValidationError(
            {
                "date_to": f"{days} days is too long: search {settings.SPEECH_SEARCH_MAX_DAYS} "
                "days at most."
            }
        )
    search = SpeechSearch(
        tenant=tenant,
        created_by=user if getattr(user, "pk", None) else None,
        date_from=date_from,
        date_to=date_to,
        direction=direction,
        criteria=clean_criteria(criteria),
    )
    search.full_clean()
    with transaction.atomic():
        search.save()
        audit.record(search, "create", None, audit.snapshot(search), "Speech search started")
        SpeechSearchRunner.enqueue(search.pk)
    return search


class SpeechSearchRunner(JobRunner):
    model = SpeechSearch
    task = "trunks.tasks.search_speech"

    def before_claim(self, job):
        # A run starts over: its hits are found again (kept once each).
        return {"pages_done": 0, "pages_total": 0}

    def perform(self) -> Outcome:
        # Outside any request: across the scope, explicitly; every query names the tenant.
        with scopes_disabled():
            return self._perform()

    def _perform(self) -> Outcome:
        search = self.job
        accounts = WavixAccount.objects.filter(
            pk__in=Cdr.objects.filter(
                tenant=search.tenant_id,
                direction=search.direction,
                started_at__date__gte=search.date_from,
                started_at__date__lte=search.date_to,
            ).values("account")
        )
        for account in list(accounts):
            self._search_account(account)
        self._fetch_transcripts()
        count = SpeechHit.objects.filter(search=search).count()
        self.progress(hit_count=count)
        search.hit_count = count
        return Outcome.succeeded(note=_found(count))

    def _search_account(self, account: WavixAccount) -> None:
        search = self.job
        client = WavixClient.for_account(account)
        pages = client.iter_transcription_search(
            date_from=search.date_from,
            date_to=search.date_to,
            direction=search.direction,
            transcription=search.criteria,
        )
        for page in pages:
            ids = [str(i.get("call_id") or i.get("uuid") or "") for i in page.items]
            with transaction.atomic():
                # The tenant's own calls only: Wavix answers for the whole account.
                calls = Cdr.objects.filter(
                    account=account, tenant=search.tenant_id, call_id__in=ids
                )
                SpeechHit.objects.bulk_create(
                    [SpeechHit(tenant_id=search.tenant_id, search=search, call=c) for c in calls],
                    ignore_conflicts=True,
                )
                Cdr.objects.filter(pk__in=[c.pk for c in calls]).update(recorded=True)
            self.progress(
                pages_done=F("pages_done") + 1,
                pages_total=F("pages_total") + (page.total_pages if page.page == 1 else 0),
            )
            if SpeechHit.objects.filter(search=search).count() >= MAX_HITS:
                return

    def _fetch_transcripts(self) -> None:
        """The phrases each hit's transcript holds; a transcript the portal lacks is read from
        Wavix first (one request for each of those, none for the others)."""
        search = self.job
        hits = list(SpeechHit.objects.filter(search=search).select_related("call__account"))
        held = {t.call_id: t for t in Transcript.objects.filter(call__in=[h.call_id for h in hits])}
        clients: dict[int, WavixClient] = {}
        for hit in hits:
            transcript = held.get(hit.call_id)
            if transcript is None:
                call = hit.call
                if call.account_id not in clients:
                    clients[call.account_id] = WavixClient.for_account(call.account)
                try:
                    data = clients[call.account_id].get_transcription(call.call_id)
                except WavixNotFound:
                    continue
                transcript = transcript_store(call=call, data=data)
            hit.phrases = speech.found_phrases(transcript.turns, search.criteria)
        SpeechHit.objects.bulk_update(hits, ["phrases"])


def _found(count: int) -> str:
    if count == 0:
        return "No call of yours matches."
    return f"{count} call{'s' if count != 1 else ''} found."
