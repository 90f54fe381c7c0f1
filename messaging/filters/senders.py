import django_filters

from portal.filters import FilterForm, SearchFilterSet

from ..models import SenderCountry, SenderId, SenderKind


class SenderFilter(SearchFilterSet):
    """The name or number, the kind, and where a country stands."""

    search_fields = ("value",)
    kind = django_filters.ChoiceFilter(choices=SenderKind.choices, empty_label="Any kind")
    state = django_filters.ChoiceFilter(
        label="A country",
        choices=SenderCountry.State.choices,
        empty_label="Any state",
        method="filter_state",
    )

    class Meta:
        model = SenderId
        fields = ["q", "kind", "state"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(value__icontains=value.strip().lstrip("+"))

    def filter_state(self, queryset, name, value):
        return queryset.filter(countries__state=value).distinct()


class PlatformSenderFilter(SenderFilter):
    search_fields = ("value", "tenant__name", "tenant__slug")

    def search(self, queryset, name, value):
        return SearchFilterSet.search(self, queryset, name, value.strip().lstrip("+"))
