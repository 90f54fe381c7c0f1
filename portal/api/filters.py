"""The API's filter backends.

django-filter's, with two changes for API clients. A filter that names an object by id (a
model choice in the portal's lists) matches nothing when no such object exists, or none the
caller may see, instead of refusing the id as a choice the list does not offer: an empty list,
the same for another tenant's object as for a missing one. Choices a filter set fills in when
it is created are in the schema too. And the arguments a view gives its filter set
(`get_filterset_kwargs()`, as the portal's list views do) reach it.

Ordering refuses a field it cannot sort by instead of ignoring it."""

from functools import cache

import django_filters
from django import forms
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter as DrfOrderingFilter

from portal.params import BIGINT_MAX, shown


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    """An object's id; `queryset` is what the caller may name (a filter set may narrow it)."""

    field_class = forms.IntegerField

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, min_value=1, max_value=BIGINT_MAX, **kwargs)
        self.queryset = queryset

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.queryset is not None and not self.queryset.filter(pk=value).exists():
            return qs.none()
        return qs.filter(**{f"{self.field_name}__pk": value})


@cache
def api_filterset(filterset_class):
    """`filterset_class` as the API uses it (see the module's docstring)."""
    attrs = {}
    filled = None
    for name, f in filterset_class.base_filters.items():
        if isinstance(f, django_filters.ModelChoiceFilter):
            attrs[name] = IdFilter(field_name=f.field_name, label=f.label, queryset=f.queryset)
        elif isinstance(f, django_filters.ChoiceFilter) and not f.extra.get("choices"):
            if filled is None:
                filled = filterset_class(queryset=filterset_class._meta.model.objects.none())
            attrs[name] = django_filters.ChoiceFilter(
                field_name=f.field_name,
                label=f.label,
                method=f.method,
                choices=filled.filters[name].extra["choices"],
            )
    return type(f"Api{filterset_class.__name__}", (filterset_class,), attrs)


def filtered(request, queryset, filterset_class):
    """`queryset` narrowed by the request's query parameters through `filterset_class`, as a
    list's filter backend does, for an action that lists something other than its view's
    objects (a campaign's contacts, a job's results). A bad value is a 400 naming the field,
    never a filter silently dropped."""
    filterset = api_filterset(filterset_class)(
        request.query_params, queryset=queryset, request=request
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


def filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The query parameters `filtered()` reads, for the schema of the action that calls it."""
    parameters = []
    for name, f in api_filterset(filterset_class).base_filters.items():
        label = str(f.label or name)
        if isinstance(f, django_filters.ChoiceFilter):
            choices = [str(value) for value, _ in f.extra["choices"]]
            parameters.append(OpenApiParameter(name, str, enum=choices, description=label))
        elif isinstance(f, django_filters.NumberFilter):
            parameters.append(OpenApiParameter(name, int, description=label))
        else:
            parameters.append(OpenApiParameter(name, str, description=label))
    return parameters


class FilterBackend(DjangoFilterBackend):
    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        return api_filterset(filterset_class) if filterset_class is not None else None

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if hasattr(view, "get_filterset_kwargs"):
            kwargs.update(view.get_filterset_kwargs())
        return kwargs


class OrderingFilter(DrfOrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        wrong = [term for term in fields if term not in valid]
        if wrong:
            names = sorted(item[0] for item in self.get_valid_fields(queryset, view))
            rule = f"sort by {', '.join(names)} (a leading - reverses)" if names else "none here"
            raise ValidationError(
                {self.ordering_param: [f"“{shown(wrong[0])}” is not a sort order: {rule}."]}
            )
        return valid

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = [name for name, _ in self.get_valid_fields(view.get_queryset(), view)]
        for parameter in parameters:
            parameter["schema"]["enum"] = [f"{sign}{f}" for f in fields for sign in ("", "-")]
            parameter["description"] = (
                "Sort by one of these (a leading - reverses); several, comma-separated, are "
                "applied in order."
            )
        return parameters
