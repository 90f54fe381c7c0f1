from datetime import date

import django_filters
from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q

from portal.filters import FilterForm, SearchFilterSet
from portal.jobs.models import ACTIVE_STATES, JobStatus
from portal.models import WavixAccount
from portal.phone import search_digits

from . import selectors
from .models import CallFlow, CampaignContact, Cdr, SipTrunk, TranscriptionState, VoiceCampaign

# The drift filter's choice for trunks Wavix has and the portal does not know.
FOREIGN = "foreign"

DISPOSITIONS = list(Cdr.DISPOSITIONS.items())


class TrunkFilter(SearchFilterSet):
    search_fields = ("label", "sip_username", "allowed_ips")
    account = django_filters.ModelChoiceFilter(
        queryset=WavixAccount.objects.all(), empty_label="Any account"
    )
    auth_method = django_filters.ChoiceFilter(
        label="Authentication", choices=SipTrunk.AuthMethod.choices, empty_label="Any"
    )
    sync_state = django_filters.ChoiceFilter(
        label="Sync", choices=SipTrunk.SyncState.choices, empty_label="Any"
    )
    review = django_filters.ChoiceFilter(
        label="Wavix review",
        choices=[("awaiting", "Awaiting Wavix approval"), ("rejected", "Rejected by Wavix")],
        empty_label="Any",
        method="filter_review",
    )
    drift = django_filters.ChoiceFilter(
        choices=[*(c for c in SipTrunk.Drift.choices if c[0]), (FOREIGN, "On Wavix only")],
        empty_label="Any",
        method="filter_drift",
    )

    class Meta:
        model = SipTrunk
        fields = ["q", "account", "auth_method", "sync_state", "review", "drift"]
        form = FilterForm

    def filter_review(self, queryset, name, value: str):
        if value == "awaiting":
            return queryset.filter(selectors.awaiting_approval())
        return queryset.filter(wavix_status="rejected")

    def filter_drift(self, queryset, name, value: str):
        # Trunks only Wavix has are not portal trunks: the list shows them apart, for import.
        if value == FOREIGN:
            return queryset.none()
        return queryset.filter(drift=value)

    @property
    def shows_foreign(self) -> bool:
        """Whether the trunks only Wavix has belong to this view of the list."""
        if not (self.is_bound and self.form.is_valid()):
            return True
        return self.form.cleaned_data.get("drift") in ("", None, FOREIGN) and not any(
            self.form.cleaned_data.get(name) for name in ("sync_state", "review", "auth_method")
        )


# The list charts the days up to "To", so a date must leave room for them (a year-1 date
# would overflow); no call record is that old anyway.
FIRST_DAY = date(2000, 1, 1)


def _day_filter(lookup_expr: str, label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name="started_at",
        lookup_expr=lookup_expr,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(
                FIRST_DAY,
                message="%(show_value)s is before %(limit_value)s: no call record is that old.",
            )
        ],
    )


class CdrFilter(django_filters.FilterSet):
    """Date range, direction, disposition, trunk and number (either end of the call)."""

    since = _day_filter("date__gte", "From")
    until = _day_filter("date__lte", "To")
    direction = django_filters.ChoiceFilter(choices=Cdr.Direction.choices, empty_label="Any")
    disposition = django_filters.ChoiceFilter(choices=DISPOSITIONS, empty_label="Any")
    trunk = django_filters.ModelChoiceFilter(
        queryset=SipTrunk.objects.none(), empty_label="Any trunk"
    )
    number = django_filters.CharFilter(method="filter_number", label="Number")
    recording = django_filters.ChoiceFilter(
        method="filter_recording",
        label="Recording",
        empty_label="Any",
        choices=[
            ("recorded", "Recorded"),
            ("transcribed", "Transcribed"),
            ("none", "Not recorded"),
        ],
    )

    class Meta:
        model = Cdr
        fields = ["since", "until", "direction", "disposition", "trunk", "number", "recording"]
        form = FilterForm

    def __init__(self, *args, trunks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["trunk"].queryset = trunks if trunks is not None else SipTrunk.objects.all()

    def filter_number(self, queryset, name, value: str):
        # A number as typed ("+1 (312) 555-0150"), or else the text (a SIP user name).
        digits = search_digits(value) or value.strip()
        return queryset.filter(Q(from_number__contains=digits) | Q(to_number__contains=digits))

    def filter_recording(self, queryset, name, value: str):
        if value == "transcribed":
            return queryset.filter(transcription=TranscriptionState.COMPLETED)
        return queryset.filter(recorded=value == "recorded")

    @property
    def until_date(self):
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("until")
        return None


class CallFlowFilter(SearchFilterSet):
    search_fields = ("label", "description")
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = CallFlow
        fields = ["q", "is_active"]
        form = FilterForm


class CampaignFilter(SearchFilterSet):
    """A tenant's campaigns: by name, by the state its users read (`VoiceCampaign.state`) and
    by call flow (the flows the tenant may run or has run)."""

    search_fields = ("name",)
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label="State",
        empty_label="Any state",
        choices=[
            ("running", "Queued or in progress"),
            ("paused", "Paused"),
            ("completed", "Completed"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
        ],
    )
    flow = django_filters.ModelChoiceFilter(
        label="Call flow", queryset=CallFlow.objects.none(), empty_label="Any call flow"
    )

    class Meta:
        model = VoiceCampaign
        fields = ["q", "state", "flow"]
        form = FilterForm

    def __init__(self, *args, flows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["flow"].queryset = flows if flows is not None else CallFlow.objects.all()

    def filter_state(self, queryset, name, value: str):
        if value == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        queryset = queryset.filter(cancelled_at__isnull=True)
        if value == "completed":
            return queryset.filter(status=JobStatus.SUCCEEDED)
        if value == "failed":
            return queryset.filter(status=JobStatus.FAILED)
        return queryset.filter(status__in=ACTIVE_STATES, paused=value == "paused")


class CampaignContactFilter(SearchFilterSet):
    search_fields = ("number", "name", "reason")
    status = django_filters.ChoiceFilter(
        choices=CampaignContact.Status.choices, empty_label="Any status"
    )

    class Meta:
        model = CampaignContact
        fields = ["q", "status"]
        form = FilterForm
