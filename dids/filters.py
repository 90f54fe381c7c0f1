import django_filters
from django.db.models import Q

from portal.filters import FilterForm, SearchFilterSet
from portal.jobs.models import JobStatus
from portal.models import WavixAccount
from portal.phone import search_digits

from .models import (
    Did,
    DidPool,
    DocumentUpload,
    E911Drift,
    NumberDocument,
    ValidationJob,
    ValidationResult,
)
from .selectors import prefix_q


class PoolFilter(SearchFilterSet):
    """Text in a tenant's or pool's name, or digits of the numbers as typed ("+1 (212) 736")
    in the pool's canonical form."""

    search_fields = ("tenant__name", "tenant__slug", "name", "spec")

    def search(self, queryset, name, value):
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(Q(spec__contains=digits) | Q(name__icontains=value.strip()))
        return super().search(queryset, name, value)

    class Meta:
        model = DidPool
        fields = ["q"]
        form = FilterForm


class NumberSearchFilterSet(SearchFilterSet):
    """`q` is a number prefix (digits, an optional +) or text matched in `search_fields`."""

    def search(self, queryset, name, value):
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(prefix_q(digits))
        return super().search(queryset, name, value)


class InventoryFilter(NumberSearchFilterSet):
    """The inventory: a number prefix (or text in the city or label), the account, Wavix
    status, SMS, and whether a tenant's pool holds the number."""

    search_fields = ("city", "label")

    account = django_filters.ModelChoiceFilter(
        queryset=WavixAccount.objects.all(), empty_label="Any account"
    )
    status = django_filters.ChoiceFilter(choices=Did.Status.choices, empty_label="Any status")
    sms_enabled = django_filters.ChoiceFilter(
        label="SMS",
        empty_label="Any",
        method="filter_sms",
        choices=[("yes", "SMS-enabled"), ("no", "No SMS")],
    )
    pooled = django_filters.ChoiceFilter(
        label="In a pool",
        empty_label="Any",
        method="filter_pooled",
        choices=[("yes", "In a tenant's pool"), ("no", "In no pool")],
    )

    class Meta:
        model = Did
        fields = ["q", "account", "status", "sms_enabled", "pooled"]
        form = FilterForm

    def filter_sms(self, queryset, name, value: str):
        return queryset.filter(sms_enabled=value == "yes")

    def filter_pooled(self, queryset, name, value: str):
        return queryset.filter(owner_tenant__isnull=value != "yes")


class E911DriftFilter(NumberSearchFilterSet):
    """Drift found by the reconcile: a number prefix or tenant, the kind, the account."""

    search_fields = ("tenant__name", "tenant__slug")

    kind = django_filters.ChoiceFilter(choices=E911Drift.Kind.choices, empty_label="Any drift")
    account = django_filters.ModelChoiceFilter(
        queryset=WavixAccount.objects.all(), empty_label="Any account"
    )

    class Meta:
        model = E911Drift
        fields = ["q", "kind", "account"]
        form = FilterForm


class ValidationJobFilter(SearchFilterSet):
    """Validation jobs: a number one of them validated (a prefix, as typed) or the e-mail of
    who started it; the type and the state."""

    search_fields = ("created_by__email",)

    type = django_filters.ChoiceFilter(
        label="Validation type", choices=ValidationJob.Type.choices, empty_label="Any type"
    )
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, empty_label="Any status")

    class Meta:
        model = ValidationJob
        fields = ["q", "type", "status"]
        form = FilterForm

    def search(self, queryset, name, value):
        digits = search_digits(value)
        if digits is not None:
            # A job holding the number: its results (JSON lookups differ between databases).
            held = ValidationResult.objects.filter(prefix_q(digits)).values("job")
            return queryset.filter(pk__in=held)
        return super().search(queryset, name, value)


class ValidationResultFilter(NumberSearchFilterSet):
    """A job's results: a number prefix or text in the carrier; valid or not; the type."""

    search_fields = ("carrier",)

    valid = django_filters.ChoiceFilter(
        method="filter_valid", choices=[("yes", "Valid"), ("no", "Invalid")], empty_label="Any"
    )
    type = django_filters.ChoiceFilter(
        field_name="number_type",
        label="Type",
        empty_label="Any type",
        choices=[
            ("mobile", "Mobile"),
            ("landline", "Landline"),
            ("toll-free", "Toll-free"),
            ("voip", "VoIP"),
        ],
    )

    class Meta:
        model = ValidationResult
        fields = ["q", "valid", "type"]
        form = FilterForm

    def filter_valid(self, queryset, name, value: str):
        return queryset.filter(valid=value == "yes")


class NumberDocumentFilter(SearchFilterSet):
    """A tenant's number documents: digits of the number (a prefix, as typed) or text of the
    file's name; the review state and the type."""

    search_fields = ("upload__file_name",)

    status = django_filters.ChoiceFilter(
        choices=NumberDocument.Status.choices, empty_label="Any state"
    )
    doc_type = django_filters.ChoiceFilter(
        label="Document type", choices=DocumentUpload.DocType.choices, empty_label="Any type"
    )

    class Meta:
        model = NumberDocument
        fields = ["q", "status", "doc_type"]
        form = FilterForm

    def search(self, queryset, name, value):
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(did__in=Did.objects.filter(prefix_q(digits)))
        return super().search(queryset, name, value)
