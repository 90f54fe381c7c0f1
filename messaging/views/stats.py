"""Message statistics: system administrators see every channel (one of them with
`?channel=`), with a row per channel and per tenant; a tenant admin sees the tenant's own
messages. The period is today, the last 7 or 30 days or custom dates; a change of it swaps the
figures in place (htmx). Everything is read from the daily roll-up."""

from __future__ import annotations

from django.views.generic import TemplateView

from portal.views.base import PartialMixin, PlatformAdminMixin
from tenants.views.base import TenantMixin

from ..forms.stats import StatsPeriodForm
from ..models import Channel
from ..selectors import message_stats


class StatsMixin(PartialMixin):
    template_name = "messaging/stats.html"
    table_template_name = "messaging/stats_body.html"
    platform = False

    def get_form(self) -> StatsPeriodForm:
        return StatsPeriodForm(self.request.GET or None)

    def stats_of(self, form: StatsPeriodForm, period):
        raise NotImplementedError  # pragma: no cover - each view defines it

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        period = form.chosen_period()
        context.update(
            form=form,
            period=period,
            stats=self.stats_of(form, period) if period else None,
            platform=self.platform,
            channel=form.chosen_channel(),
            period_query=self.period_query(),
        )
        return context

    def period_query(self) -> str:
        """The period of the address, for links that keep it (a channel's row)."""
        query = self.request.GET.copy()
        for name in list(query):
            if name not in ("period", "since", "until"):
                del query[name]
        return query.urlencode()


class PlatformStatsView(PlatformAdminMixin, StatsMixin, TemplateView):
    platform = True

    def get_form(self) -> StatsPeriodForm:
        return StatsPeriodForm(self.request.GET or None, channels=Channel.objects.order_by("name"))

    def stats_of(self, form, period):
        channel = form.chosen_channel()
        return message_stats(
            first=period.first,
            last=period.last,
            channel=channel,
            by_channel=channel is None,
            by_tenant=True,
        )


class TenantStatsView(TenantMixin, StatsMixin, TemplateView):
    admin_only = True

    def stats_of(self, form, period):
        return message_stats(first=period.first, last=period.last, tenant=self.tenant)
