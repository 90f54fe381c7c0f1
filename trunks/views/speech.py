"""A call's page (facts, the recording played through the portal, the transcript as turns,
a transcription request with its progress) for the tenant's admins and for system
administrators, and the tenant's speech search."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import DetailView, FormView

from portal.views.base import PaginatedListView, PartialMixin, PlatformAdminMixin, add_form_errors
from tenants.views.base import TenantMixin
from trunks import selectors, speech
from trunks.forms import SpeechSearchForm
from trunks.models import Cdr, SpeechHit, SpeechSearch, Transcript, TranscriptionState
from trunks.services import speech as services
from trunks.services.speech_search import speech_search_start

MAX_RANGE_CHARS = 100  # a Range header longer than this is not passed on


class CallMixin:
    model = Cdr

    def get_object(self):
        return get_object_or_404(selectors.cdr_queryset(), pk=self.kwargs["pk"])

    def urls(self, call: Cdr) -> dict:  # pragma: no cover - each side defines it
        raise NotImplementedError


class CallDetailMixin(PartialMixin, CallMixin, DetailView):
    template_name = "trunks/call_detail.html"
    table_template_name = "trunks/_transcript_panel.html"
    context_object_name = "call"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object
        transcript = Transcript.objects.filter(call=call).first()
        job = call.transcription_jobs.first()
        turns = (
            [{**t, "clock": speech.clock(t["start_ms"])} for t in transcript.turns]
            if (transcript)
            else []
        )
        context.update(
            transcript=transcript,
            turns=turns,
            job=job,
            polling=bool(job and job.is_active),
            fetch_only=call.transcription == TranscriptionState.COMPLETED and not transcript,
            languages=services.LANGUAGES,
            **self.urls(call),
        )
        return context


class RecordingMixin(CallMixin, View):
    """The recording streamed from Wavix through the portal: the browser never learns
    Wavix's address; `Range` is passed on so a player can seek. No database transaction is
    open while the bytes flow (none is opened by this view)."""

    def get(self, request, *args, **kwargs):
        wanted = request.headers.get("Range") or None
        if wanted and len(wanted) > MAX_RANGE_CHARS:
            wanted = None
        try:
            stream = services.recording_open(call=self.object, byte_range=wanted, user=request.user)
        except services.RecordingUnavailable as exc:
            context = {"call": self.object, "reason": exc.reason, **self.urls(self.object)}
            status = 410 if exc.gone else 404 if exc.not_recorded else 503
            return render(request, "trunks/recording_unavailable.html", context, status=status)
        headers = stream.headers
        response = StreamingHttpResponse(
            stream.chunks(),
            status=stream.status,
            content_type=headers.pop("Content-Type", "audio/wav"),
        )
        for name, value in headers.items():
            response[name] = value
        response["Cache-Control"] = "private, no-store"
        return response


class TranscribeMixin(CallMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        call = self.object
        language = request.POST.get("language", "")[:8]
        fetch_only = request.POST.get("fetch") == "1"
        try:
            services.transcription_request(
                call=call, user=request.user, language=language, fetch_only=fetch_only
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Loading the transcript from Wavix."
                if fetch_only
                else "Transcription requested: the transcript appears here when Wavix is done.",
            )
        return HttpResponseRedirect(self.urls(call)["detail_url"])


# Tenant ---------------------------------------------------------------------------------------


class TenantCallMixin(TenantMixin):
    admin_only = True

    def urls(self, call: Cdr) -> dict:
        slug = self.tenant.slug
        return {
            "detail_url": reverse("tenant:cdr_detail", args=[slug, call.pk]),
            "recording_url": reverse("tenant:cdr_recording", args=[slug, call.pk]),
            "transcribe_url": reverse("tenant:cdr_transcribe", args=[slug, call.pk]),
            "list_url": reverse("tenant:cdr_list", args=[slug]),
        }


class TenantCallDetailView(TenantCallMixin, CallDetailMixin):
    pass


class TenantRecordingView(TenantCallMixin, RecordingMixin):
    pass


class TenantTranscribeView(TenantCallMixin, TranscribeMixin):
    pass


# Platform -------------------------------------------------------------------------------------


class PlatformCallMixin(PlatformAdminMixin):
    def urls(self, call: Cdr) -> dict:
        return {
            "detail_url": reverse("platform:cdr_detail", args=[call.pk]),
            "recording_url": reverse("platform:cdr_recording", args=[call.pk]),
            "transcribe_url": reverse("platform:cdr_transcribe", args=[call.pk]),
            "list_url": reverse("platform:cdr_list"),
        }


class PlatformCallDetailView(PlatformCallMixin, CallDetailMixin):
    pass


class PlatformRecordingView(PlatformCallMixin, RecordingMixin):
    pass


class PlatformTranscribeView(PlatformCallMixin, TranscribeMixin):
    pass


# Speech search --------------------------------------------------------------------------------


class SpeechSearchView(TenantMixin, FormView):
    admin_only = True
    template_name = "trunks/speech_search.html"
    form_class = SpeechSearchForm

    def get_initial(self):
        today = timezone.localdate()
        return {"date_to": today, "date_from": today.replace(day=1), "direction": "placed"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent"] = SpeechSearch.objects.all()[:10]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            search = speech_search_start(
                tenant=self.tenant,
                user=self.request.user,
                date_from=data["date_from"],
                date_to=data["date_to"],
                direction=data["direction"],
                criteria=data["criteria"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(
            reverse("tenant:speech_search_detail", args=[self.tenant.slug, search.pk])
        )


class SpeechSearchDetailView(TenantMixin, PartialMixin, PaginatedListView):
    """The search's progress, then its calls with the lines holding the phrases, the words
    highlighted."""

    admin_only = True
    model = SpeechSearch
    template_name = "trunks/speech_search_detail.html"
    table_template_name = "trunks/_speech_hits.html"
    paginate_by = 25

    def get_object(self):
        return get_object_or_404(SpeechSearch.objects.all(), pk=self.kwargs["pk"])

    def get_queryset(self):
        return SpeechHit.objects.filter(search=self.object).select_related("call", "call__trunk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search = self.object
        words = search.phrases
        calls = [hit.call_id for hit in context["object_list"]]
        transcripts = {t.call_id: t for t in Transcript.objects.filter(call_id__in=calls)}
        rows = []
        for hit in context["object_list"]:
            transcript = transcripts.get(hit.call_id)
            lines = speech.matching_turns(transcript.turns, search.criteria) if transcript else []
            rows.append(
                {
                    "hit": hit,
                    "url": reverse("tenant:cdr_detail", args=[self.tenant.slug, hit.call_id]),
                    "lines": [
                        {
                            **line,
                            "clock": speech.clock(line["start_ms"]),
                            # Escaped piece by piece, then marked (speech.highlight).
                            "html": mark_safe(speech.highlight(line["text"], words)),  # noqa: S308
                        }
                        for line in lines[:5]
                    ],
                }
            )
        context.update(search=search, rows=rows, polling=search.is_active)
        return context
