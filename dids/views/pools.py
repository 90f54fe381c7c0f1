"""DID pools in the browser, for system administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from dids import selectors, services
from dids.filters import PoolFilter
from dids.forms import PoolForm, PoolImportForm, text_fingerprint
from dids.models import Did, DidPool, PoolImport
from dids.services import imports
from portal import phone
from portal.exports import csv_response
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PartialMixin,
    PlatformAdminMixin,
    add_form_errors,
)
from tenants.models import Tenant

# Platform: pools ---------------------------------------------------------------------------


class PoolListView(PlatformAdminMixin, FilteredListView):
    """Every pool, with the global “who owns this number?” search."""

    model = DidPool
    filterset_class = PoolFilter
    template_name = "dids/platform/pool_list.html"
    table_template_name = "dids/platform/_pool_table.html"

    def get_base_queryset(self):
        return DidPool.objects.select_related("tenant").order_by("tenant__name", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.attach_sms_counts(context["object_list"])
        raw = self.request.GET.get("number", "").strip()
        if raw:
            number, why = phone.reason(raw[: phone.MAX_TYPED + 1])
            context["owner_query"] = raw
            if why is None:
                context["owner_number"] = number
                context["owner"] = selectors.owner_of(number)
                context["owner_did"] = Did.objects.filter(number=number).first()
            else:
                shown = raw if len(raw) <= 40 else raw[:40] + "…"
                context["owner_error"] = f"“{shown}” is not a phone number: it {why}."
        return context


class PoolEditMixin(PlatformAdminMixin, FormView):
    """Create and edit share this: Preview shows added, removed and refused numbers; Save is
    honoured only for the text that was previewed."""

    form_class = PoolForm
    template_name = "dids/platform/pool_form.html"

    def get_tenant(self) -> Tenant:  # pragma: no cover - each view defines it
        raise NotImplementedError

    @property
    def pool(self) -> DidPool | None:
        return getattr(self, "object", None)

    def get_initial(self):
        if self.pool is not None:
            return {"name": self.pool.name, "numbers": self.pool.spec}
        return super().get_initial()

    def form_valid(self, form):
        tenant, text = self.get_tenant(), form.cleaned_data["numbers"]
        try:
            if self.request.POST.get("action") == "save" and form.is_previewed():
                pool, preview = services.pool_save(
                    tenant=tenant, pool=self.pool, text=text, name=form.cleaned_data["name"]
                )
                messages.success(
                    self.request,
                    f"Pool “{pool.name}” of {tenant.name} saved: {preview.new.size:,} numbers.",
                )
                missing = selectors.e911_missing_among(tenant, preview.added)
                if missing:
                    messages.warning(
                        self.request,
                        f"{missing} of the added US/Canadian numbers have no emergency (E911) "
                        f"address: {tenant.name} is alerted to set one.",
                    )
                return HttpResponseRedirect(reverse("platform:tenant_detail", args=[tenant.slug]))
            preview = services.pool_preview(tenant=tenant, pool=self.pool, text=text)
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        data = form.data.copy()
        data["previewed"] = text_fingerprint(text) if preview.ok else ""
        form = self.form_class(data)
        form.is_valid()
        return self.render_to_response(self.get_context_data(form=form, preview=preview))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{"tenant_obj": self.get_tenant(), "pool": self.pool, **kwargs}
        )


class PoolCreateView(PoolEditMixin):
    def get_tenant(self):
        return get_object_or_404(Tenant, slug=self.kwargs["slug"])


class PoolEditView(PoolEditMixin):
    model = DidPool

    def get_object(self):
        return get_object_or_404(DidPool.objects.select_related("tenant"), pk=self.kwargs["pk"])

    def get_tenant(self):
        return self.object.tenant


class PoolDeleteView(PlatformAdminMixin, ObjectActionView):
    success_message = "Pool “{obj.name}” of {obj.tenant} deleted."

    def get_object(self):
        return get_object_or_404(DidPool.objects.select_related("tenant"), pk=self.kwargs["pk"])

    def act(self, obj):
        services.pool_delete(pool=obj)
        return obj

    def get_success_url(self, obj):
        return reverse("platform:tenant_detail", args=[obj.tenant.slug])


class PoolImportView(PlatformAdminMixin, FormView):
    """Upload a pool CSV for its dry run; the report (or its progress) is on its own page."""

    form_class = PoolImportForm
    template_name = "dids/platform/pool_import.html"

    def form_valid(self, form):
        try:
            job = imports.import_start(user=self.request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return HttpResponseRedirect(reverse("platform:pool_import_detail", args=[job.key]))


class PoolImportMixin(PlatformAdminMixin):
    def get_object(self) -> PoolImport:
        # Keyed and owned: another administrator's import is a 404, like a missing one. The
        # file itself is never needed here.
        imports_of_user = PoolImport.objects.defer("data").filter(requested_by=self.request.user)
        return get_object_or_404(imports_of_user, key=self.kwargs["key"])


class PoolImportDetailView(PoolImportMixin, PartialMixin, DetailView):
    """The dry run's report (each row, errors first) or its progress; Import applies it."""

    model = PoolImport
    context_object_name = "job"
    template_name = "dids/platform/pool_import_detail.html"
    table_template_name = "dids/platform/_pool_import_job.html"
    SHOWN = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.is_active:
            return context  # polled every second: progress only, not the rows
        rows = self.object.rows
        bad = [r for r in rows if r["errors"]]
        shown = (bad or rows)[: self.SHOWN]
        context.update(
            shown_rows=shown,
            hidden_rows=len(bad or rows) - len(shown),
            numbers_total=sum(r["size"] for r in rows),
            form=PoolImportForm(),
        )
        return context

    def render_to_response(self, context, **kwargs):
        job = self.object
        failed = job.invalid or job.file_errors or job.status == PoolImport.Status.FAILED
        kwargs.setdefault("status", 400 if failed and not job.is_active else 200)
        return super().render_to_response(context, **kwargs)


class PoolImportApplyView(PoolImportMixin, View):
    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            job = imports.import_apply(job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if job.applied:
                messages.success(request, f"Imported {job.total:,} pool(s).")
                return HttpResponseRedirect(reverse("platform:pool_list"))
        return HttpResponseRedirect(reverse("platform:pool_import_detail", args=[job.key]))


class PoolExportView(PlatformAdminMixin, ListView):
    model = DidPool

    def get(self, request, *args, **kwargs):
        return csv_response("pools.csv", [*imports.COLUMNS, "size"], imports.export_rows())
