"""Opt-outs of a tenant: the list with search and filters, one added by hand, removed (tenant
admins, confirmed), the CSV import (a dry run first, a report per row) and the export."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from portal.exports import csv_response
from portal.views.base import (
    CsvImportView,
    FilteredListView,
    ObjectActionView,
    ServiceFormMixin,
)
from tenants.views.base import TenantMixin

from ..filters.optouts import OptOutFilter
from ..forms.optouts import OptOutForm, OptOutImportForm
from ..models import OptOut, SenderId
from ..services import optouts as services


class OptOutListView(TenantMixin, FilteredListView):
    model = OptOut
    filterset_class = OptOutFilter
    template_name = "messaging/optout_list.html"
    table_template_name = "messaging/optout_table.html"

    def get_base_queryset(self):
        return OptOut.objects.filter(tenant=self.tenant).select_related("created_by")


class OptOutAddView(TenantMixin, ServiceFormMixin, FormView):
    form_class = OptOutForm
    template_name = "messaging/optout_form.html"

    def get_form_kwargs(self):
        senders = SenderId.objects.filter(tenant=self.tenant)
        return {**super().get_form_kwargs(), "senders": senders}

    def perform(self, form):
        data = form.cleaned_data
        return services.opt_out_add(
            tenant=self.tenant,
            recipient=data["recipient"],
            sender=data["sender"],
            note=data["note"],
            source=OptOut.Source.MANUAL,
            actor=self.request.user,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "result", None) is not None and self.result.already:
            messages.info(self.request, f"{self.result} was already opted out.")
        elif getattr(self, "result", None) is not None:
            messages.success(self.request, f"{self.result} opted out.")
        return response

    def get_success_url(self):
        return reverse("tenant:optout_list", args=[self.tenant.slug])


class OptOutRemoveView(TenantMixin, ObjectActionView):
    admin_only = True
    model = OptOut
    success_message = (
        "Opt-out of {obj} removed: your messages reach this number again. Wavix keeps its own "
        "copy (its API cannot remove one): ask Wavix support if Wavix still refuses them."
    )

    def get_object(self):
        return get_object_or_404(OptOut.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"])

    def act(self, obj):
        label = str(obj)
        services.opt_out_remove(opt_out=obj, actor=self.request.user)
        return label

    def get_success_url(self, obj):
        return reverse("tenant:optout_list", args=[self.tenant.slug])


class OptOutImportView(TenantMixin, CsvImportView):
    admin_only = True
    form_class = OptOutImportForm
    template_name = "messaging/optout_import.html"

    def run_import(self, data: bytes, dry_run: bool):
        return services.opt_outs_import(
            tenant=self.tenant, data=data, dry_run=dry_run, actor=self.request.user
        )

    def applied(self, report) -> str:
        return f"{report.added} opt-out(s) imported; {report.existing} already there."

    def get_success_url(self):
        return reverse("tenant:optout_list", args=[self.tenant.slug])


class OptOutExportView(TenantMixin, View):
    model = OptOut

    def get(self, request, *args, **kwargs):
        queryset = OptOut.objects.filter(tenant=self.tenant)
        filterset = OptOutFilter(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        name = f"opt-outs-{self.tenant.slug}-{timezone.now():%Y%m%d}.csv"
        return csv_response(
            name, services.EXPORT_HEADER, services.opt_outs_export_rows(rows, tenant=self.tenant)
        )
