"""E911 in the browser: the tenant's emergency addresses (validate with Wavix, set on one or
many numbers, remove after a warning, follow the job), and for system administrators the
drift between the portal and Wavix."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, FormView

from dids import e911, selectors
from dids.filters import E911DriftFilter
from dids.forms import E911AddressForm, E911FilterForm
from dids.models import E911Address, E911Drift, E911Job, E911ReconcileRun
from dids.services import e911 as e911_services
from dids.services import reconcile
from portal.models import WavixAccount
from portal.views.base import (
    FilteredListView,
    PaginatedListView,
    PartialMixin,
    PlatformAdminMixin,
    add_form_errors,
)
from tenants.views.base import TenantMixin


def _numbers_from(request) -> list[str]:
    """Numbers chosen in a list (repeated `numbers`) or carried by a form (comma-separated)."""
    values = request.POST.getlist("numbers") or request.GET.getlist("numbers")
    return [n for v in values for n in v.split(",") if n.strip()]


def _numbers_errors_on_top(exc: ValidationError) -> ValidationError:
    """The numbers travel in a hidden field: their errors are shown above the form."""
    if not hasattr(exc, "error_dict") or "numbers" not in exc.error_dict:
        return exc
    return ValidationError(
        {("__all__" if k == "numbers" else k): v for k, v in exc.error_dict.items()}
    )


def _technical_details(exc: ValidationError) -> list[str]:
    """The technical detail of a Wavix failure carried by the error, for system
    administrators (tenant users read the plain sentence only)."""
    return [
        e.params["detail"]
        for e in getattr(exc, "error_list", [])
        if e.code == e911_services.WAVIX_FAILED and e.params and "detail" in e.params
    ]


# Tenant: the E911 page -----------------------------------------------------------------------


class E911ListView(TenantMixin, PartialMixin, PaginatedListView):
    """The tenant's US and Canadian numbers held on Wavix, with their emergency address."""

    model = E911Address
    template_name = "dids/e911_list.html"
    table_template_name = "dids/_e911_table.html"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = E911FilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.tenant_e911(self.tenant, q=data.get("q", ""), state=data.get("state", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.attach_e911(context["object_list"])
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=type("Filter", (), {"form": self.filter_form})(),
            querystring=query.urlencode(),
            table_template=self.table_template_name,
            missing=selectors.e911_missing(self.tenant).count(),
            jobs=list(E911Job.objects.order_by("-created_at")[:3]),
            drift=list(E911Drift.objects.order_by("number")[:20]),
            drift_count=E911Drift.objects.count(),
        )
        return context


class E911SetView(TenantMixin, FormView):
    """Validate an address with Wavix, then set it on the chosen numbers.

    Validating is the default action; the outcome (match, correction, candidates, no match)
    is shown under the form. Setting takes the token of a validated address, never the
    form's fields, so only what Wavix validated is associated."""

    admin_only = True
    model = E911Address
    form_class = E911AddressForm
    template_name = "dids/e911_form.html"

    @cached_property
    def chosen(self) -> list[int]:
        """The chosen numbers that are this tenant's (others are refused on validation)."""
        try:
            numbers = e911_services.parse_numbers(_numbers_from(self.request))
        except ValidationError:
            return []
        pool = e911_services.tenant_pool_of(self.tenant, numbers)
        return [n for n in numbers if pool.contains(n)]

    def get_initial(self):
        numbers = self.chosen
        initial = {"numbers": ",".join(map(str, numbers))}
        current = E911Address.objects.filter(number__in=numbers).first()
        if current is not None:
            initial |= {"name": current.name, **current.wavix_address()}
        return initial

    def get_context_data(self, **kwargs):
        numbers = self.chosen
        rows = selectors.rows_for(self.tenant, numbers[:50]) if numbers else []
        return super().get_context_data(
            **{"chosen": numbers, "rows": rows, "more": max(0, len(numbers) - 50), **kwargs}
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "validate")
        if action == "set":
            return self.set_address()
        if action == "candidate":
            return self.validate(self.candidate_form())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return self.validate(form)

    def validate(self, form):
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            numbers = e911_services.parse_numbers(_numbers_from(self.request))
            outcome = e911_services.e911_validate(
                tenant=self.tenant, numbers=numbers, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_form_errors(form, _numbers_errors_on_top(exc))
            for detail in _technical_details(exc) if self.request.user.is_system_admin else ():
                form.add_error(None, f"Technical detail (system administrators): {detail}")
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(form=form, outcome=outcome, labels=e911.LABELS)
        )

    def candidate_form(self):
        """The chosen candidate, with the location the user may have added, as a form to
        validate again: Wavix confirms it before it can be set. The candidate comes back as
        the signed token the outcome gave it (bounded and checked before it is decoded)."""
        data = self.request.POST.copy()
        try:
            chosen = e911_services.read_candidate(self.tenant, data.get("candidate", ""))
        except ValidationError as exc:
            chosen, problem = None, exc
        if chosen is not None:
            for name in e911.ADDRESS_FIELDS:
                data[name] = chosen.get(name, "")
            data["location"] = self.request.POST.get("candidate_location", "")
        form = self.get_form_class()(data=data)
        if chosen is None:
            form.is_valid()
            add_form_errors(form, problem)
        return form

    def set_address(self):
        try:
            numbers = e911_services.parse_numbers(_numbers_from(self.request))
            job = e911_services.e911_set(
                tenant=self.tenant,
                numbers=numbers,
                token=self.request.POST.get("token", ""),
                user=self.request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            query = "&".join(f"numbers={n}" for n in _numbers_from(self.request))
            return HttpResponseRedirect(
                reverse("tenant:e911_set", args=[self.tenant.slug]) + f"?{query}"
            )
        messages.success(
            self.request, f"Setting the emergency address on {job.total} number(s) on Wavix."
        )
        return HttpResponseRedirect(reverse("tenant:e911_job", args=[self.tenant.slug, job.pk]))


class E911RemoveView(TenantMixin, View):
    """Deletes the numbers' E911 records on Wavix (the page warns first: emergency calling
    stops for them)."""

    admin_only = True
    model = E911Address
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            numbers = e911_services.parse_numbers(_numbers_from(request))
            job = e911_services.e911_remove(tenant=self.tenant, numbers=numbers, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("tenant:e911_list", args=[self.tenant.slug]))
        messages.warning(
            request,
            f"Removing the emergency address of {job.total} number(s): emergency calling "
            "stops for them.",
        )
        return HttpResponseRedirect(reverse("tenant:e911_job", args=[self.tenant.slug, job.pk]))


class E911JobView(TenantMixin, PartialMixin, DetailView):
    """A job's progress, refreshed while it runs, and the outcome for each number."""

    model = E911Job
    template_name = "dids/e911_job.html"
    table_template_name = "dids/_e911_job.html"
    context_object_name = "job"
    SHOWN = 100

    def get_object(self):
        return get_object_or_404(
            E911Job.objects.select_related("requested_by"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        numbers = [int(n) for n in self.object.numbers[: self.SHOWN]]
        addresses = {a.number: a for a in E911Address.objects.filter(number__in=numbers)}
        context["rows"] = [(n, addresses.get(n)) for n in numbers]
        context["more"] = max(0, len(self.object.numbers) - self.SHOWN)
        return context


# Platform: drift ----------------------------------------------------------------------------


class E911DriftListView(PlatformAdminMixin, FilteredListView):
    """Differences between the portal's E911 addresses and Wavix's records, per the last
    reconcile of each account, and the reconcile runs."""

    model = E911Drift
    filterset_class = E911DriftFilter
    template_name = "dids/platform/e911_drift.html"
    table_template_name = "dids/platform/_e911_drift_table.html"

    def get_base_queryset(self):
        return E911Drift.objects.select_related("account", "tenant").order_by("number")

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and "runs" in self.request.GET:
            return ["dids/platform/_e911_runs.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(E911ReconcileRun.objects.select_related("account")[:10])
        context.update(
            runs=runs,
            polling=any(r.is_active for r in runs),
            accounts=WavixAccount.objects.order_by("-is_default", "name"),
        )
        return context


class E911ReconcileStartView(PlatformAdminMixin, View):
    """“Reconcile now”: queues a run per account (or joins the one under way)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        accounts = list(WavixAccount.objects.all())
        for account in accounts:
            reconcile.reconcile_start(account=account, user=request.user)
        if accounts:
            messages.info(request, f"E911 reconcile queued for {len(accounts)} account(s).")
        else:
            messages.error(request, "There is no Wavix account to reconcile.")
        return HttpResponseRedirect(reverse("platform:e911_drift"))
