"""The message log: a tenant admin sees the tenant's messages, a system administrator every
tenant's. Filters, totals (messages, segments, charge), a message's detail with its status
history and the provider's answers, and a streamed CSV export of the filtered set. The
queries of a page do not grow with its rows."""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView

from portal.exports import csv_response, in_scope
from portal.views.base import FilteredListView, PlatformAdminMixin
from tenants.views.base import TenantMixin

from ..filters.messages import MessageFilter
from ..message_log import CSV_HEADER, message_csv_rows, message_queryset, message_totals
from ..models import Message


class MessageMixin:
    model = Message
    filterset_class = MessageFilter
    paginate_by = 50
    platform = False

    def get_filterset_kwargs(self) -> dict:
        return {"platform": self.platform}

    def get_base_queryset(self):
        return message_queryset()


class MessageListMixin(MessageMixin):
    template_name = "messaging/message_list.html"
    table_template_name = "messaging/message_table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = message_totals(messages=self.object_list)
        context["export_url"] = self.export_url()
        context["platform"] = self.platform
        return context


class MessageExportMixin(MessageMixin):
    def get(self, request, *args, **kwargs):
        return csv_response(self.filename(), CSV_HEADER, self.rows(self.get_queryset()))


class MessageDetailMixin:
    model = Message
    template_name = "messaging/message_detail.html"
    context_object_name = "message"
    platform = False

    def get_object(self, queryset=None):
        return get_object_or_404(message_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(self.object.events.order_by("at", "id"))
        for event in events:
            # The provider's answer as received, indented for reading.
            event.detail_text = json.dumps(event.detail, indent=2, sort_keys=True, default=str)
        context["events"] = events
        context["platform"] = self.platform
        context["back_url"] = self.back_url()
        return context


# Platform -------------------------------------------------------------------------------------


class PlatformMessageListView(PlatformAdminMixin, MessageListMixin, FilteredListView):
    platform = True

    def export_url(self) -> str:
        return reverse("platform:message_export")


class PlatformMessageExportView(PlatformAdminMixin, MessageExportMixin, FilteredListView):
    platform = True

    def filename(self) -> str:
        return "messages.csv"

    def rows(self, queryset):
        return in_scope(message_csv_rows(messages=queryset))


class PlatformMessageDetailView(PlatformAdminMixin, MessageDetailMixin, DetailView):
    platform = True

    def back_url(self) -> str:
        return reverse("platform:message_list")


# Tenant ---------------------------------------------------------------------------------------


class TenantMessageListView(TenantMixin, MessageListMixin, FilteredListView):
    admin_only = True

    def export_url(self) -> str:
        return reverse("tenant:message_export", args=[self.tenant.slug])


class TenantMessageExportView(TenantMixin, MessageExportMixin, FilteredListView):
    admin_only = True

    def filename(self) -> str:
        return f"{self.tenant.slug}-messages.csv"

    def rows(self, queryset):
        return in_scope(message_csv_rows(messages=queryset), tenant=self.tenant)


class TenantMessageDetailView(TenantMixin, MessageDetailMixin, DetailView):
    admin_only = True

    def back_url(self) -> str:
        return reverse("tenant:message_list", args=[self.tenant.slug])
