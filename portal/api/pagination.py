"""Pages of API lists. `page` and `per_page` must be whole numbers in range: anything else
("null", "abc", "0", "²") is a 400 naming the parameter, never quietly the default."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from portal.params import BIGINT_MAX, ParamError, optional_int


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "per_page"
    max_page_size = 500

    def get_page_size(self, request):
        return self._param(request, self.page_size_query_param, 1, self.max_page_size) or (
            self.page_size
        )

    def get_page_number(self, request, paginator):
        return self._param(request, self.page_query_param, 1, BIGINT_MAX) or 1

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            last = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise NotFound(
                f"Page {self.get_page_number(request, None)} does not exist: the last page is "
                f"{last}."
            ) from None

    @staticmethod
    def _param(request, name, minimum, maximum=None):
        bounds = {"minimum": minimum} | ({"maximum": maximum} if maximum else {})
        try:
            return optional_int(name, request.query_params.get(name), **bounds)
        except ParamError as exc:
            raise ValidationError({name: [exc.message]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["maximum"] = BIGINT_MAX
        return parameters
