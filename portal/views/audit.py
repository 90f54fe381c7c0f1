"""The audit log in the browser: all of it for system administrators. A tenant's, for its
admins, is the tenants app's (tenants/views/audit.py), on the same mixins."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from portal.filters import AuditEntryFilter
from portal.models import AuditEntry
from portal.views.base import FilteredListView, PlatformAdminMixin


class AuditListMixin:
    model = AuditEntry
    filterset_class = AuditEntryFilter
    template_name = "portal/audit_list.html"
    table_template_name = "portal/_audit_table.html"

    def get_base_queryset(self):
        return AuditEntry.objects.for_list()


class PlatformAuditListView(PlatformAdminMixin, AuditListMixin, FilteredListView):
    pass


class AuditDetailMixin:
    model = AuditEntry
    template_name = "portal/audit_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(AuditEntry.objects.for_list(), pk=self.kwargs["pk"])


class PlatformAuditDetailView(PlatformAdminMixin, AuditDetailMixin, DetailView):
    pass
