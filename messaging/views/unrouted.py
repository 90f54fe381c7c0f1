"""Unrouted inbound messages: a tenant's (its numbers with no destination) and the platform's
(numbers nobody holds), grouped by number, each with "Route it"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django_scopes import scopes_disabled

from dids.models import Did
from dids.selectors import owner_of
from portal.views.base import PaginatedListView, PlatformAdminMixin
from tenants.models import Tenant
from tenants.views.base import TenantMixin

from ..models import Message, NumberRoute
from ..services import routing as services

MAX_NUMBER_CHARS = 15


def _latest(number: str, **filters) -> list[Message]:
    with scopes_disabled():
        return list(
            Message.objects.filter(recipient=number, conversation__isnull=True, **filters).order_by(
                "-created_at"
            )[:3]
        )


class TenantUnroutedView(TenantMixin, PaginatedListView):
    admin_only = True
    paginate_by = 25
    template_name = "messaging/unrouted_list.html"

    def get_queryset(self):
        return services.waiting_numbers(tenant=self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"] = list(context["object_list"])
        routes = {
            r.number: r
            for r in NumberRoute.objects.filter(
                tenant=self.tenant, number__in=[row["recipient"] for row in rows]
            ).select_related("agent", "queue", "endpoint")
        }
        for row in rows:
            route = routes.get(row["recipient"])
            row["ready"] = route is not None and not services.route_gap(route)
            row["words"] = services.destination_words(route)
            row["latest"] = _latest(
                row["recipient"], tenant=self.tenant, unrouted=Message.Unrouted.NO_DESTINATION
            )
        context["platform"] = False
        return context


class TenantRouteItView(TenantMixin, View):
    admin_only = True
    http_method_names = ["post"]
    model = Did  # the number named in the address is one of the tenant's pool

    def get_object(self):
        number = str(self.kwargs["number"])[:MAX_NUMBER_CHARS]
        owner = owner_of(int(number)) if number.isdigit() else None
        if owner is None or owner.tenant_id != self.tenant.pk:
            raise Http404("No such number in your pool.")
        return number

    def post(self, request, *args, **kwargs):
        number = self.object
        report = services.route_waiting_report(
            tenant=self.tenant, number=number, actor=request.user
        )
        (messages.success if report.delivered else messages.warning)(
            request, f"+{number}: {report.sentence()}"
        )
        return HttpResponseRedirect(reverse("tenant:unrouted_list", args=[self.tenant.slug]))


class PlatformUnroutedView(PlatformAdminMixin, PaginatedListView):
    paginate_by = 25
    template_name = "messaging/unrouted_list.html"

    def get_queryset(self):
        return services.waiting_numbers()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"] = list(context["object_list"])
        owners = {}
        for row in rows:
            digits = row["recipient"]
            owner = owner_of(int(digits)) if digits.isdigit() else None
            if owner is not None and owner.tenant_id not in owners:
                owners[owner.tenant_id] = Tenant.objects.get(pk=owner.tenant_id)
            row["owner"] = owners.get(owner.tenant_id) if owner else None
            row["ready"] = row["owner"] is not None
            row["latest"] = _latest(digits, unrouted=Message.Unrouted.NO_OWNER)
        context["platform"] = True
        return context


class PlatformRouteItView(PlatformAdminMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        number = str(kwargs["number"])[:MAX_NUMBER_CHARS]
        if not number.isdigit():
            raise Http404
        report = services.route_waiting_report(number=number, actor=request.user)
        with scopes_disabled():
            handed = Message.objects.filter(
                recipient=number, unrouted=Message.Unrouted.NO_DESTINATION
            ).count()
        sentence = report.sentence()
        if handed:
            sentence += (
                f" {handed} now wait in the owner's unrouted list: the number has no "
                "destination there yet."
            )
        (messages.success if report.delivered else messages.warning)(
            request, f"+{number}: {sentence}"
        )
        return HttpResponseRedirect(reverse("platform:unrouted_list"))
