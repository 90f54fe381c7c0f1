"""The platform's dashboard: tenants, users, the inventory, trunks and calls, recent changes.
The top layer: it reads every app."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.views.generic import TemplateView

from dids.models import Did, SyncRun
from messaging.services.balance import low_balances
from portal.models import AuditEntry
from portal.views.base import PlatformAdminMixin
from tenants.models import Membership, Tenant, User
from trunks import selectors as trunk_selectors


class PlatformDashboardView(PlatformAdminMixin, TemplateView):
    template_name = "portal/platform_dashboard.html"

    def get_context_data(self, **kwargs):
        since = timezone.now() - timedelta(days=13)
        per_day = dict(
            AuditEntry.objects.filter(timestamp__gte=since.replace(hour=0, minute=0, second=0))
            .annotate(day=TruncDate("timestamp"))
            .values_list("day")
            .annotate(n=Count("id"))
        )
        days = [(since + timedelta(days=i)).date() for i in range(14)]
        inventory = dict(Did.objects.values_list("status").annotate(n=Count("id")))
        return super().get_context_data(
            **{
                "tenant_counts": dict(Tenant.objects.values_list("status").annotate(n=Count("id"))),
                "user_count": User.objects.filter(is_active=True).count(),
                "member_count": Membership.objects.count(),
                "recent_changes": AuditEntry.objects.for_list()[:10],
                "inventory": inventory,
                "held": inventory.get("active", 0) + inventory.get("inactive", 0),
                "last_sync": SyncRun.objects.select_related("account").first(),
                "chart_labels": [d.strftime("%b %d") for d in days],
                "chart_values": [per_day.get(d, 0) for d in days],
                "trunks": trunk_selectors.trunk_overview(),
                "calls": trunk_selectors.recent_calls(chart=True),
                "low_balances": low_balances(),
                **kwargs,
            }
        )
