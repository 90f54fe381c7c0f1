"""DID pools in the browser, for system administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, ListView

from dids import imports, selectors, services
from dids.filters import PoolFilter
from dids.forms import PoolForm, PoolImportForm, text_fingerprint
from dids.models import Did, DidPool
from dids.ranges import MAX_DIGITS, number_digits
from portal.exports import csv_response
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
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
        raw = self.request.GET.get("number", "").strip()
        if raw:
            digits = number_digits(raw)
            context["owner_query"] = raw
            if digits is not None and len(digits) <= MAX_DIGITS:
                number = int(digits)
                context["owner"] = selectors.owner_of(number)
                context["owner_did"] = Did.objects.filter(number=number).first()
            else:
                context["owner_error"] = f"“{raw}” is not a number: use E.164 digits."
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
    form_class = PoolImportForm
    template_name = "dids/platform/pool_import.html"

    def form_valid(self, form):
        commit = self.request.POST.get("action") == "commit"
        report = imports.import_pools(form.cleaned_data["file"].read(), commit=commit)
        if report.committed:
            messages.success(self.request, f"Imported {len(report.rows)} pool(s).")
            return HttpResponseRedirect(reverse("platform:pool_list"))
        return self.render_to_response(
            self.get_context_data(form=form, report=report, tried_commit=commit),
            status=200 if report.ok else 400,
        )


class PoolExportView(PlatformAdminMixin, ListView):
    model = DidPool

    def get(self, request, *args, **kwargs):
        return csv_response("pools.csv", [*imports.COLUMNS, "size"], imports.export_rows())
