"""Numbers in the browser: pools for system administrators; the tenant's numbers, labels and
pool usage for tenant users."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, ListView
from django_scopes import scope

from portal.exports import csv_response
from portal.forms import FilterFormMixin
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    TenantMixin,
    add_form_errors,
)
from tenants.models import Tenant

from . import imports, selectors, services
from .filters import PoolFilter
from .forms import NoteForm, PoolForm, PoolImportForm, text_fingerprint
from .models import Did, DidPool, NumberRange

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
            digits = raw.lstrip("+").replace(" ", "")
            context["owner_query"] = raw
            if digits.isdigit() and len(digits) <= 15:
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
        return super().get_context_data(tenant_obj=self.get_tenant(), pool=self.pool, **kwargs)


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


# Tenant: numbers ---------------------------------------------------------------------------


class NumberFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(
        required=False,
        label="On Wavix",
        choices=[
            ("", "Any"),
            ("active", "Active"),
            ("inactive", "Inactive (documents needed)"),
            ("not_held", "Not held (free)"),
        ],
    )
    sms = forms.ChoiceField(
        required=False, label="SMS", choices=[("", "Any"), ("yes", "SMS-enabled"), ("no", "No SMS")]
    )


class _Filter:
    def __init__(self, form):
        self.form = form


class TenantNumbersMixin(TenantMixin):
    def numbers(self) -> selectors.NumberSequence:
        form = NumberFilterForm(self.request.GET or None)
        self.filter = _Filter(form)
        data = form.cleaned_data if form.is_valid() else {}
        return selectors.tenant_numbers(
            self.tenant,
            q=data.get("q", ""),
            status=data.get("status", ""),
            sms=data.get("sms", ""),
        )


class NumberListView(TenantNumbersMixin, ListView):
    """The tenant's pool numbers with inventory details where known, labels, search, filters."""

    model = NumberRange
    template_name = "dids/number_list.html"
    table_template_name = "dids/_number_table.html"
    paginate_by = 25

    def get_queryset(self):
        return self.numbers()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filter,
            querystring=query.urlencode(),
            table_template=self.table_template_name,
        )
        return context

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.table_template_name]
        return [self.template_name]


class NumberExportView(TenantNumbersMixin, ListView):
    model = NumberRange
    CHUNK = 1000

    def get(self, request, *args, **kwargs):
        numbers = self.numbers()

        def rows():
            # Streamed after the view returns: re-enter the tenant's scope for the reads.
            with scope(tenant=self.tenant):
                yield from page_rows()

        def page_rows():
            for offset in range(0, numbers.count(), self.CHUNK):
                for row in numbers[offset : offset + self.CHUNK]:
                    did, note = row.did, row.note
                    yield [
                        row.e164,
                        note.label if note else "",
                        note.description if note else "",
                        did.get_status_display() if did else "Not held",
                        did.country if did else "",
                        did.city if did else "",
                        did.number_type if did else "",
                        "yes" if did and did.sms_enabled else "no",
                        did.monthly_fee if did and did.monthly_fee is not None else "",
                    ]

        header = [
            "number",
            "label",
            "description",
            "status",
            "country",
            "city",
            "type",
            "sms_enabled",
            "monthly_fee",
        ]
        return csv_response(f"{self.tenant.slug}-numbers.csv", header, rows())


class NoteEditView(TenantMixin, FormView):
    """A label and a description for one of the tenant's numbers."""

    admin_only = True
    model = NumberRange
    form_class = NoteForm
    template_name = "dids/note_form.html"

    def get_object(self):
        number = self.kwargs["number"]
        if not NumberRange.objects.filter(start__lte=number, end__gte=number).exists():
            raise Http404("Not one of this tenant's numbers.")
        return number

    def get_initial(self):
        note = services.note_for(tenant=self.tenant, number=self.object)
        return {"label": note.label, "description": note.description} if note else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            number=self.object, did=Did.objects.filter(number=self.object).first(), **kwargs
        )

    def form_valid(self, form):
        services.note_save(tenant=self.tenant, number=self.object, **form.cleaned_data)
        messages.success(self.request, f"+{self.object} saved.")
        return HttpResponseRedirect(reverse("tenant:number_list", args=[self.tenant.slug]))


class PoolUsageView(TenantMixin, ListView):
    model = NumberRange
    template_name = "dids/pool_usage.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.pool_usage(self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pools"] = DidPool.objects.order_by("name")
        return context
