"""A tenant's audit log (tenant admins), on the base's audit mixins."""

from __future__ import annotations

from django.views.generic import DetailView

from portal.views.audit import AuditDetailMixin, AuditListMixin
from portal.views.base import FilteredListView
from tenants.views.base import TenantMixin


class TenantAuditListView(TenantMixin, AuditListMixin, FilteredListView):
    admin_only = True

    def get_filterset_kwargs(self) -> dict:
        # The object types in this tenant's own log, not every audited model.
        return {"types_in_log": True}


class TenantAuditDetailView(TenantMixin, AuditDetailMixin, DetailView):
    admin_only = True
