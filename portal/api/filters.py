"""The API's filter backends: django-filter's, plus the arguments a view gives its filter set
(`get_filterset_kwargs()`, as the portal's list views do), e.g. the choices a tenant may
filter by; and ordering that refuses a field it cannot sort by instead of ignoring it."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter as DrfOrderingFilter

from portal.params import shown


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if hasattr(view, "get_filterset_kwargs"):
            kwargs.update(view.get_filterset_kwargs())
        return kwargs


class OrderingFilter(DrfOrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = self.remove_invalid_fields_quietly(queryset, fields, view, request)
        wrong = [term for term in fields if term not in valid]
        if wrong:
            names = sorted(item[0] for item in self.get_valid_fields(queryset, view))
            rule = f"sort by {', '.join(names)} (a leading - reverses)" if names else "none here"
            raise ValidationError(
                {self.ordering_param: [f"“{shown(wrong[0])}” is not a sort order: {rule}."]}
            )
        return valid

    def remove_invalid_fields_quietly(self, queryset, fields, view, request):
        return super().remove_invalid_fields(queryset, fields, view, request)
