"""A tenant's dashboard: its members, numbers missing an E911 address, and for its admins the
trunks shared with it, recent calls and recent changes. The top layer: it reads every app."""

from __future__ import annotations

from django.db.models import Count, Q
from django.views.generic import TemplateView

from dids.selectors import e911_missing
from portal.models import AuditEntry
from tenants.models import Membership, Role
from tenants.views.base import TenantMixin
from trunks import selectors as trunk_selectors


class TenantDashboardView(TenantMixin, TemplateView):
    template_name = "portal/tenant_dashboard.html"
    shares_shown = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = Membership.objects.aggregate(
            members=Count("id"),
            admins=Count("id", filter=Q(role=Role.ADMIN)),
            agents=Count("id", filter=Q(role=Role.AGENT)),
        )
        context["counts"] = counts
        context["e911_missing"] = e911_missing(self.tenant).count()
        if self.access.is_admin:
            context["recent_changes"] = AuditEntry.objects.for_list()[:8]
            # Trunks and call records are tenant-admin pages (as in the sidebar).
            context["shares"] = trunk_selectors.tenant_share_totals()
            context["share_list"] = trunk_selectors.tenant_shares()[: self.shares_shown]
            context["calls"] = trunk_selectors.recent_calls()
        return context
