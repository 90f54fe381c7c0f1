"""The tenant's numbers in the browser: list, labels, export, pool usage."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, ListView

from dids import selectors, services
from dids.forms import NoteForm
from dids.models import Did, DidPool, NumberRange
from dids.ranges import Span
from portal.exports import csv_response, in_scope
from portal.forms import FilterFormMixin
from portal.views.base import PaginatedListView, PartialMixin
from tenants.views.base import TenantMixin

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


class NumberListView(TenantNumbersMixin, PartialMixin, PaginatedListView):
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
            e911_missing=selectors.e911_missing(self.tenant).count(),
        )
        return context


class NumberExportView(TenantNumbersMixin, ListView):
    """The filtered numbers as CSV: each number that holds data on its own row, the numbers
    between them as ranges (`first-last`, with their count), so the file stays as small as
    the data, whatever the pool's size. Numbers are E.164 digits without `+`."""

    model = NumberRange
    HEADER = [
        "number",
        "count",
        "label",
        "wavix_label",
        "description",
        "status",
        "country",
        "city",
        "type",
        "sms_enabled",
        "monthly_fee",
        "e911",
        "e911_address",
    ]

    def get(self, request, *args, **kwargs):
        numbers = self.numbers()

        rows = (
            _range_row(item) if isinstance(item, Span) else _number_row(item)
            for item in selectors.export_items(numbers)
        )
        name = f"{self.tenant.slug}-numbers.csv"
        return csv_response(name, self.HEADER, in_scope(rows, tenant=self.tenant))


def _number_row(row: selectors.NumberRow) -> list:
    did, note = row.did, row.note
    return [
        str(row.number),
        1,
        row.label,
        row.wavix_label,
        note.description if note else "",
        did.get_status_display() if did else "Not held",
        did.country if did else "",
        did.city if did else "",
        row.number_type,
        "yes" if did and did.sms_enabled else "no",
        did.monthly_fee if did and did.monthly_fee is not None else "",
        row.e911.get_status_display().lower() if row.e911 else "",
        row.e911.one_line if row.e911 else "",
    ]


def _range_row(span: Span) -> list:
    """Numbers of the pool with nothing recorded: not held, no label, no E911 address."""
    return [str(span), span.size, "", "", "", "Not held", "", "", "", "no", "", "", ""]


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
            **{
                "number": self.object,
                "did": Did.objects.filter(number=self.object).first(),
                **kwargs,
            }
        )

    def form_valid(self, form):
        services.note_save(tenant=self.tenant, number=self.object, **form.cleaned_data)
        messages.success(self.request, f"+{self.object} saved.")
        return HttpResponseRedirect(reverse("tenant:number_list", args=[self.tenant.slug]))


class PoolUsageView(TenantMixin, PaginatedListView):
    model = NumberRange
    template_name = "dids/pool_usage.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.pool_usage(self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pools"] = DidPool.objects.order_by("name")
        return context
