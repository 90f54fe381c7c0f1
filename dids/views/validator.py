"""The number validator in the browser: a tenant admin validates one number or a list (the
cost shown first, "N numbers × price = total"), follows the job and reads its results (one
number laid out as Wavix's table of what each type returns; a list as a table with filters,
and a CSV). Tenant admins also turn on the send-time check. System administrators see every
tenant's jobs and set the prices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView, View

from dids import selectors, validation
from dids.filters import ValidationJobFilter, ValidationResultFilter
from dids.forms import (
    ValidateListForm,
    ValidateNumberForm,
    ValidationPriceForm,
    ValidatorSettingsForm,
)
from dids.models import ValidationJob, ValidationResult
from dids.services import validator as services
from portal import phone
from portal.exports import csv_response, in_scope
from portal.views.base import FilteredListView, PartialMixin, PlatformAdminMixin, add_form_errors
from tenants.views.base import TenantMixin

# Tenant: jobs -------------------------------------------------------------------------------


class ValidationJobListView(TenantMixin, FilteredListView):
    admin_only = True
    model = ValidationJob
    filterset_class = ValidationJobFilter
    template_name = "dids/validator_list.html"
    table_template_name = "dids/_validator_jobs.html"

    def get_base_queryset(self):
        return ValidationJob.objects.select_related("created_by").order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["settings"] = selectors.validator_settings(self.tenant)
        return context


class _StartMixin:
    """Two steps: "Check the cost" shows what was read and N × price = total; "Validate"
    starts the job from what was shown."""

    def start_context(self) -> dict:
        account = selectors.tenant_wavix_account(self.tenant)
        return {"account": account, "prices": selectors.validation_prices()}

    def start(self, form, kind: str, numbers: list[int], single: bool):
        try:
            job = services.validation_start(
                tenant=self.tenant,
                kind=kind,
                numbers=numbers,
                single=single,
                user=self.request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Validating {job.total} number(s) with Wavix.")
        return HttpResponseRedirect(
            reverse("tenant:validation_job", args=[self.tenant.slug, job.pk])
        )

    def preview(self, form, kind: str, numbers: list[int], **extra):
        price, total = services.validation_estimate(kind=kind, count=len(numbers))
        estimate = {"count": len(numbers), "price": price, "total": total, "kind": kind}
        return self.render_to_response(
            self.get_context_data(
                **{"form": form, "estimate": estimate, "numbers": numbers, **extra}
            )
        )


class ValidateNumberView(TenantMixin, _StartMixin, FormView):
    admin_only = True
    model = ValidationJob
    form_class = ValidateNumberForm
    template_name = "dids/validator_number.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.start_context(), **kwargs)

    def form_valid(self, form):
        number, why = phone.reason(
            form.cleaned_data["number"], region=self.tenant.default_country or None
        )
        if why is not None:
            typed = form.cleaned_data["number"]
            form.add_error("number", f"“{typed}” is not a phone number: it {why}.")
            return self.form_invalid(form)
        kind = form.cleaned_data["type"]
        if self.request.POST.get("action") == "run":
            return self.start(form, kind, [number], single=True)
        return self.preview(form, kind, [number])


class ValidateListView(TenantMixin, _StartMixin, FormView):
    admin_only = True
    model = ValidationJob
    form_class = ValidateListForm
    template_name = "dids/validator_bulk.html"
    SHOWN_ERRORS = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.start_context(), **kwargs)

    def form_valid(self, form):
        parsed = form.parse(self.tenant.default_country or None)
        if parsed is None:
            return self.form_invalid(form)
        kind = form.cleaned_data["type"]
        if self.request.POST.get("action") == "run" and not parsed.errors:
            return self.start(form, kind, parsed.numbers, single=False)
        if not parsed.numbers:
            form.add_error("numbers", "None of the entries is a phone number: see the list below.")
        return self.preview(
            form,
            kind,
            parsed.numbers,
            parse_errors=parsed.errors[: self.SHOWN_ERRORS],
            more_errors=max(0, len(parsed.errors) - self.SHOWN_ERRORS),
            error_count=len(parsed.errors),
            duplicates=parsed.duplicates,
            # Sent again by "Validate": with the +, so no number is read in the default country.
            digits="\n".join(f"+{n}" for n in parsed.numbers),
        )


class _JobPage(PartialMixin):
    """A job's page: its progress partial (`?progress`, polled while it runs) and its
    results' table partial (filters, pages)."""

    table_template_name = "dids/_validator_results.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and "progress" in self.request.GET:
            return ["dids/_validator_progress.html"]
        return super().get_template_names()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if "progress" in request.GET and not self.object.is_active:
            response["HX-Refresh"] = "true"  # finished: the page reloads with its results
        return response


class ValidationJobView(TenantMixin, _JobPage, DetailView):
    """The job's progress (polled while it runs) and its results."""

    admin_only = True
    model = ValidationJob
    template_name = "dids/validator_job.html"
    context_object_name = "job"
    paginate_by = 50

    def get_object(self):
        return get_object_or_404(
            ValidationJob.objects.select_related("created_by", "account"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job_context(self.request, self.object, self.paginate_by))
        context["export_url"] = reverse(
            "tenant:validation_export", args=[self.tenant.slug, self.object.pk]
        )
        return context


def job_context(request, job: ValidationJob, per_page: int) -> dict:
    """The results of a job: one number as Wavix's table, a list filtered and paged."""
    results = ValidationResultFilter(
        request.GET or None, queryset=job.results.order_by("number"), request=request
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": results,
        "querystring": query.urlencode(),
        "table_template": "dids/_validator_results.html",
    }
    if job.single:
        result = job.results.first()
        context["result"] = result
        context["table"] = _seed_table(job, result)
    page = Paginator(results.qs, per_page).get_page(
        request.GET.get("page") if len(request.GET.get("page", "")) <= 12 else None
    )
    context.update(page_obj=page, paginator=page.paginator, results=page.object_list)
    return context


def _seed_table(job: ValidationJob, result: ValidationResult | None) -> list[dict]:
    rows = []
    for label, name, types in validation.FIELDS:
        returned = job.type in types
        value = getattr(result, name, None) if result is not None and returned else None
        if name == "country" and value:
            value = f"{phone.region_name(value)} ({value})"
        rows.append(
            {
                "label": label,
                "returned": returned,
                "value": value,
                "types": [(t, t in types) for t in validation.TYPES],
            }
        )
    return rows


def export_response(job: ValidationJob, tenant=None):
    """The job's results as CSV; `tenant` None: a system administrator's export."""
    rows = in_scope(selectors.validation_export_rows(job), tenant=tenant)
    return csv_response(f"validation-{job.pk}.csv", selectors.VALIDATION_EXPORT_HEADER, rows)


class ValidationExportView(TenantMixin, View):
    admin_only = True
    model = ValidationJob

    def get_object(self):
        return get_object_or_404(ValidationJob, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return export_response(self.object, self.tenant)


class ValidatorSettingsView(TenantMixin, FormView):
    admin_only = True
    model = ValidationJob
    form_class = ValidatorSettingsForm
    template_name = "dids/validator_settings.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.validator_settings(self.tenant)}

    def form_valid(self, form):
        try:
            services.validator_settings_save(
                tenant=self.tenant,
                check_recipients=form.cleaned_data["check_recipients"],
                recent_days=form.cleaned_data["recent_days"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Validator settings saved.")
        return HttpResponseRedirect(reverse("tenant:validator", args=[self.tenant.slug]))


# Platform ---------------------------------------------------------------------------------


class PlatformValidationJobListView(PlatformAdminMixin, FilteredListView):
    """Every tenant's validation jobs, and the prices per lookup."""

    model = ValidationJob
    filterset_class = ValidationJobFilter
    template_name = "dids/platform/validator_list.html"
    table_template_name = "dids/platform/_validator_jobs.html"

    def get_base_queryset(self):
        return ValidationJob.objects.select_related("tenant", "created_by").order_by(
            "-created_at", "-id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        prices = selectors.validation_prices()
        context["price_form"] = kwargs.get("price_form") or ValidationPriceForm(initial=prices)
        return context


class ValidationPriceView(PlatformAdminMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ValidationPriceForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    label = form.fields[field].label if field in form.fields else "Prices"
                    messages.error(request, f"{label}: {error}")
            return HttpResponseRedirect(reverse("platform:validator"))
        for kind in validation.TYPES:
            services.validation_price_save(kind=kind, price=form.cleaned_data[kind])
        messages.success(request, "Validator prices saved.")
        return HttpResponseRedirect(reverse("platform:validator"))


class PlatformValidationJobView(PlatformAdminMixin, _JobPage, DetailView):
    model = ValidationJob
    template_name = "dids/platform/validator_job.html"
    context_object_name = "job"

    def get_object(self):
        return get_object_or_404(
            ValidationJob.objects.select_related("tenant", "created_by"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job_context(self.request, self.object, 50))
        context["export_url"] = reverse("platform:validation_export", args=[self.object.pk])
        return context


class PlatformValidationExportView(PlatformAdminMixin, View):
    model = ValidationJob

    def get_object(self):
        return get_object_or_404(ValidationJob, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return export_response(self.object)
