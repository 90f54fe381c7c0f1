"""The API's filter backend: django-filter's, plus the arguments a view gives its filter set
(`get_filterset_kwargs()`, as the portal's list views do), e.g. the choices a tenant may
filter by."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if hasattr(view, "get_filterset_kwargs"):
            kwargs.update(view.get_filterset_kwargs())
        return kwargs
