"""Call records: system administrators see every call, a tenant admin the calls of the
tenant's numbers and trunks. Filters, totals, a chart per day and a streamed CSV export of the
filtered set."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from portal.exports import csv_response, in_scope
from portal.views.base import FilteredListView, PlatformAdminMixin
from tenants.views.base import TenantMixin
from trunks import selectors
from trunks.filters import CdrFilter
from trunks.models import Cdr, SipTrunk


class CdrMixin:
    model = Cdr
    filterset_class = CdrFilter
    paginate_by = 50

    def trunk_choices(self):  # pragma: no cover - each view defines it
        raise NotImplementedError

    def get_filterset_kwargs(self) -> dict:
        return {"trunks": self.trunk_choices()}

    def get_base_queryset(self):
        return selectors.cdr_queryset()


class CdrListMixin(CdrMixin):
    template_name = "trunks/cdr_list.html"
    table_template_name = "trunks/_cdr_table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.object_list
        context["totals"] = selectors.cdr_totals(calls=queryset)
        until = self.filterset.until_date or timezone.localdate()
        context["chart"] = selectors.cdr_per_day(calls=queryset, until=until)
        context["export_url"] = self.export_url()
        return context


class CdrExportMixin(CdrMixin):
    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset().select_related(None)
        return csv_response(self.filename(), selectors.CSV_HEADER, self.rows(queryset))


# Platform -------------------------------------------------------------------------------------


class PlatformCdrMixin(PlatformAdminMixin):
    def trunk_choices(self):
        return SipTrunk.objects.order_by("label")

    def export_url(self) -> str:
        return reverse("platform:cdr_export")


class PlatformCdrListView(PlatformCdrMixin, CdrListMixin, FilteredListView):
    pass


class PlatformCdrExportView(PlatformCdrMixin, CdrExportMixin, FilteredListView):
    def filename(self) -> str:
        return "call-records.csv"

    def rows(self, queryset):
        return in_scope(selectors.cdr_csv_rows(calls=queryset))


# Tenant ---------------------------------------------------------------------------------------


class TenantCdrMixin(TenantMixin):
    admin_only = True

    def trunk_choices(self):
        return selectors.tenant_trunks()

    def export_url(self) -> str:
        return reverse("tenant:cdr_export", args=[self.tenant.slug])


class TenantCdrListView(TenantCdrMixin, CdrListMixin, FilteredListView):
    pass


class TenantCdrExportView(TenantCdrMixin, CdrExportMixin, FilteredListView):
    def filename(self) -> str:
        return f"{self.tenant.slug}-call-records.csv"

    def rows(self, queryset):
        return in_scope(selectors.cdr_csv_rows(calls=queryset), tenant=self.tenant)
