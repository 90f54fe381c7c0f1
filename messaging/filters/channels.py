"""The channel list's search and filters."""

import django_filters

from portal.filters import FilterForm, SearchFilterSet

from ..models import Channel


class ChannelFilter(SearchFilterSet):
    """Text in the channel's or its Wavix account's name; active or paused."""

    search_fields = ("name", "wavix_account__name")

    state = django_filters.ChoiceFilter(
        label="State",
        empty_label="Any",
        method="filter_state",
        choices=[("active", "Active"), ("paused", "Paused")],
    )

    class Meta:
        model = Channel
        fields = ["q", "state"]
        form = FilterForm

    def filter_state(self, queryset, name, value: str):
        return queryset.filter(is_active=value == "active")
