"""Base views every app builds on: the platform's role check, and filtered, paginated lists.

The tenant side (`TenantMixin`, the scope of a view under /t/<tenant_slug>/) is the tenants
app's: tenants/views/base.py. Either looks up an object named in the URL before the method is
dispatched (`load_object`), so a missing or foreign one is a 404 whatever the method.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views import View
from django.views.generic import FormView, ListView
from django_scopes import scopes_disabled


class PlatformAdminMixin(LoginRequiredMixin):
    """System administrators only. The platform views work across tenants, visibly."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_system_admin:
            raise PermissionDenied("System administrators only.")
        with scopes_disabled():
            load_object(self, kwargs)
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response


def load_object(view, kwargs) -> None:
    """The object named in the address is looked up before the method is dispatched, so a
    missing or foreign one is a 404 whatever the method."""
    if callable(getattr(view, "get_object", None)) and kwargs.keys() - {"tenant_slug"}:
        view.object = view.get_object()


class PartialMixin:
    """An htmx request (not a boosted navigation) gets only `table_template_name`, the partial
    that a list's filters and pages, or a job's progress, swap in place."""

    table_template_name: str = ""

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.table_template_name]
        return super().get_template_names()


class PaginatedListView(ListView):
    """A paginated list where any `?page=` shows a page: past the end the last one, not a
    number the first, with a note saying which page this is instead; never a 404."""

    # Longer than any page number: not parsed at all (bound the input before parsing it).
    MAX_PAGE_CHARS = 12

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        asked = str(self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1)
        if asked == "last":
            page = paginator.page(paginator.num_pages)
        else:
            page = paginator.get_page(asked if len(asked) <= self.MAX_PAGE_CHARS else None)
            if asked != str(page.number):
                shown = asked if len(asked) <= 20 else asked[:20] + "…"
                self.page_notice = (
                    f"There is no page “{shown}”: this is page {page.number} of "
                    f"{paginator.num_pages}."
                )
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_notice"] = getattr(self, "page_notice", "")
        return context


class FilteredListView(PartialMixin, PaginatedListView):
    """A list with a django-filter FilterSet (search and filters) and pagination.

    An htmx request gets only the table partial, so filtering does not reload the page.
    """

    filterset_class = None
    paginate_by = 25

    def get_base_queryset(self):
        return super().get_queryset()

    def get_queryset(self):
        queryset = self.get_base_queryset()
        self.filterset = self.filterset_class(
            self.request.GET or None,
            queryset=queryset,
            request=self.request,
            **self.get_filterset_kwargs(),
        )
        return self.filterset.qs if self.filterset.is_bound else queryset

    def get_filterset_kwargs(self) -> dict:
        return {}

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return size if size in (10, 25, 50, 100) else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        context["table_template"] = self.table_template_name
        return context


class ServiceFormMixin:
    """A form view whose save goes through a service; a ValidationError from the service lands
    on the form's fields, so the user sees it inline and nothing is half-saved."""

    success_message = ""

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message.format(obj=result))
        self.result = result
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, form):  # pragma: no cover - each view defines it
        raise NotImplementedError


def add_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ObjectActionView(View):
    """A POST-only action on one object (suspend, revoke, remove): runs a service, reports the
    outcome as a message and goes back. Destructive ones are confirmed in the page first."""

    http_method_names = ["post"]
    success_message = ""

    def get_object(self):  # pragma: no cover - each view defines it
        raise NotImplementedError

    def act(self, obj):  # pragma: no cover - each view defines it
        raise NotImplementedError

    def get_success_url(self, obj) -> str:  # pragma: no cover - each view defines it
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = getattr(self, "object", None) or self.get_object()
        try:
            result = self.act(obj)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.get_success_url(obj))
        messages.success(request, self.success_message.format(obj=result or obj))
        return HttpResponseRedirect(self.get_success_url(result or obj))


class CsvImportView(FormView):
    """A CSV import in two steps: the uploaded file is checked (a dry run, its report shown
    with the text kept in the form), then applied from that text with "apply". A view names
    its `form_class` (with `content()`, the file's or the kept text's bytes), and implements
    `run_import(data, dry_run)` (the service's report, with `ok`), `applied(report)` (the
    success message) and `get_success_url()`."""

    def run_import(self, data: bytes, dry_run: bool):  # pragma: no cover - each view defines it
        raise NotImplementedError

    def applied(self, report) -> str:  # pragma: no cover - each view defines it
        raise NotImplementedError

    def form_valid(self, form):
        data = form.content()
        if not data:
            form.add_error("file", "Choose a CSV file to check.")
            return self.form_invalid(form)
        apply = "apply" in self.request.POST and not form.cleaned_data.get("file")
        try:
            report = self.run_import(data, dry_run=not apply)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        if apply and report.ok:
            messages.success(self.request, self.applied(report))
            return HttpResponseRedirect(self.get_success_url())
        checked = self.get_form_class()(initial={"data": data.decode("utf-8-sig", "replace")})
        return self.render_to_response(
            self.get_context_data(form=checked, report=report, can_apply=report.ok)
        )
