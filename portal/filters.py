"""Filter sets shared by every list: a free-text search box plus the list's own filters."""

import django_filters
from django import forms
from django.db.models import Q

from portal.forms import FilterFormMixin
from portal.models import AuditEntry


class FilterForm(FilterFormMixin, forms.Form):
    pass


class SearchFilterSet(django_filters.FilterSet):
    """`search_fields` are matched case-insensitively by the `q` box."""

    q = django_filters.CharFilter(method="search", label="Search")
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query)


class AuditEntryFilter(SearchFilterSet):
    search_fields = ("object_repr", "actor_label", "message", "request_id")
    action = django_filters.ChoiceFilter(
        choices=AuditEntry.Action.choices, empty_label="Any action"
    )
    source = django_filters.ChoiceFilter(
        choices=AuditEntry.Source.choices, empty_label="Any source"
    )
    object_type = django_filters.ChoiceFilter(
        method="filter_object_type", empty_label="Any object", choices=[], label="Object"
    )
    since = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        label="From",
    )
    until = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
        label="To",
    )

    class Meta:
        model = AuditEntry
        fields = ["q", "action", "source", "object_type", "since", "until"]
        form = FilterForm

    def __init__(self, *args, types_in_log: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["object_type"].extra["choices"] = self._object_types(types_in_log)

    def _object_types(self, in_log: bool) -> list[tuple[str, str]]:
        """Every audited model, or (a tenant's log) the types its entries are about."""
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        from portal.audit import is_audited, model_label

        if in_log:
            ids = self.queryset.order_by().values_list("content_type_id", flat=True).distinct()
            models = [ContentType.objects.get_for_id(i).model_class() for i in ids]
        else:
            models = [m for m in apps.get_models() if is_audited(m)]
        return sorted(
            ((f"{m._meta.app_label}.{m._meta.model_name}", model_label(m)) for m in models if m),
            key=lambda choice: choice[1],
        )

    def filter_object_type(self, queryset, name, value: str):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
