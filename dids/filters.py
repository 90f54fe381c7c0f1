from portal.filters import FilterForm, SearchFilterSet

from .models import DidPool


class PoolFilter(SearchFilterSet):
    search_fields = ("tenant__name", "tenant__slug", "name", "spec")

    class Meta:
        model = DidPool
        fields = ["q"]
        form = FilterForm
