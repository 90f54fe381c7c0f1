import django_filters
from django.db.models import Q

from portal.filters import FilterForm, SearchFilterSet
from portal.models import WavixAccount

from .models import Did, DidPool, E911Drift


class PoolFilter(SearchFilterSet):
    search_fields = ("tenant__name", "tenant__slug", "name", "spec")

    class Meta:
        model = DidPool
        fields = ["q"]
        form = FilterForm


class InventoryFilter(SearchFilterSet):
    """The inventory: a number prefix, the account, Wavix status, SMS, and whether a tenant's
    pool holds the number."""

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

    def search(self, queryset, name, value):
        digits = value.strip().lstrip("+").replace(" ", "")
        if digits.isdigit():
            from .selectors import prefix_pool

            query = Q()
            for span in prefix_pool(digits):
                query |= Q(number__gte=span.start, number__lte=span.end)
            return queryset.filter(query)
        return queryset.filter(Q(city__icontains=value) | Q(label__icontains=value))

    def filter_sms(self, queryset, name, value: str):
        return queryset.filter(sms_enabled=value == "yes")

    def filter_pooled(self, queryset, name, value: str):
        return queryset.filter(owner_tenant__isnull=value != "yes")


class E911DriftFilter(SearchFilterSet):
    """Drift found by the reconcile: a number prefix or tenant, the kind, the account."""

    kind = django_filters.ChoiceFilter(choices=E911Drift.Kind.choices, empty_label="Any drift")
    account = django_filters.ModelChoiceFilter(
        queryset=WavixAccount.objects.all(), empty_label="Any account"
    )

    class Meta:
        model = E911Drift
        fields = ["q", "kind", "account"]
        form = FilterForm

    def search(self, queryset, name, value):
        digits = value.strip().lstrip("+").replace(" ", "")
        if digits.isdigit():
            from .selectors import prefix_pool

            query = Q()
            for span in prefix_pool(digits):
                query |= Q(number__gte=span.start, number__lte=span.end)
            return queryset.filter(query)
        return queryset.filter(Q(tenant__name__icontains=value) | Q(tenant__slug__icontains=value))
