"""The call-record filters of the API: those of the portal's list, except that a trunk is
named by its id and an id that matches no trunk the caller may see matches no call (an empty
list), rather than being refused as a choice the list does not offer."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from portal.params import BIGINT_MAX
from trunks.filters import CdrFilter


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=BIGINT_MAX, **kwargs)


class ApiCdrFilter(CdrFilter):
    trunk = IdFilter(method="filter_trunk", label="Trunk id")

    def __init__(self, *args, trunks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trunks = trunks

    def filter_trunk(self, queryset, name, value: int):
        # A tenant's trunks are those shared with it: another tenant's trunk id is no more
        # one of them than an id that does not exist, and both answer the same.
        if self.trunks is not None and not self.trunks.filter(pk=value).exists():
            return queryset.none()
        return queryset.filter(trunk_id=value)
