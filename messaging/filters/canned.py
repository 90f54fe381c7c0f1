from portal.filters import FilterForm, SearchFilterSet

from ..models import CannedReply


class CannedReplyFilter(SearchFilterSet):
    search_fields = ("title", "text")

    class Meta:
        model = CannedReply
        fields = ["q"]
        form = FilterForm
