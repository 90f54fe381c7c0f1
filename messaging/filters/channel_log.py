"""The debug log's search and filters."""

import django_filters

from portal.filters import FilterForm, SearchFilterSet

from ..models import Channel, ChannelLogEntry


class ChannelLogFilter(SearchFilterSet):
    """Text in the address, the bodies or the error; the channel; answers that failed."""

    search_fields = ("url", "request_body", "response_body", "error")

    channel = django_filters.ModelChoiceFilter(
        queryset=Channel.objects.order_by("name"), empty_label="Any channel"
    )
    outcome = django_filters.ChoiceFilter(
        label="Outcome",
        empty_label="Any",
        method="filter_outcome",
        choices=[("ok", "Answered 2xx"), ("failed", "Failed or refused")],
    )

    class Meta:
        model = ChannelLogEntry
        fields = ["q", "channel", "outcome"]
        form = FilterForm

    def filter_outcome(self, queryset, name, value: str):
        ok = queryset.filter(status_code__gte=200, status_code__lt=300, error="")
        return ok if value == "ok" else queryset.exclude(pk__in=ok.values("pk"))
