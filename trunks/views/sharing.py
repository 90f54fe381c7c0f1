"""Sharing trunks with tenants. System administrators share a trunk (the tenant's pool of
numbers on it and its concurrent calls), stop sharing and route the tenant's numbers to it;
a tenant's admins see the trunks shared with the tenant (connection details without
secrets, the tenant's pool on each) and choose its caller IDs among its own numbers."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import (
    ObjectActionView,
    PaginatedListView,
    PlatformAdminMixin,
    ServiceFormMixin,
)
from tenants.models import Tenant
from tenants.views.base import TenantMixin
from trunks import selectors, services
from trunks.forms import CallerIdForm, ShareForm
from trunks.models import TrunkAssignment

from .trunks import trunk_or_404

# Platform: a trunk's shares ------------------------------------------------------------------


class ShareFormView(PlatformAdminMixin, ServiceFormMixin, FormView):
    form_class = ShareForm
    template_name = "trunks/platform/share_form.html"
    success_message = "“{obj.trunk}” is shared with {obj.tenant.name}."

    def get_object(self):
        if "share" in self.kwargs:
            share = get_object_or_404(
                TrunkAssignment.objects.select_related("trunk", "tenant", "pool"),
                pk=self.kwargs["share"],
            )
            self.trunk = share.trunk
            return share
        self.trunk = trunk_or_404(self.kwargs["pk"])
        return None

    @property
    def share(self) -> TrunkAssignment | None:
        return getattr(self, "object", None)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        taken = TrunkAssignment.objects.filter(trunk=self.trunk).values("tenant_id")
        kwargs["tenants"] = Tenant.objects.exclude(pk__in=taken).order_by("name")
        kwargs["editing"] = self.share is not None
        return kwargs

    def get_initial(self):
        if self.share is None:
            return {"max_calls": self.trunk.max_channels or 10}
        return {"numbers": self.share.pool.spec, "max_calls": self.share.max_calls}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"trunk": self.trunk, "share": self.share, **kwargs})

    def perform(self, form):
        data = form.cleaned_data
        return services.assignment_save(
            trunk=self.trunk,
            tenant=self.share.tenant if self.share else data["tenant"],
            numbers=data["numbers"],
            max_calls=data["max_calls"],
            assignment=self.share,
        )

    def get_success_url(self):
        return reverse("platform:trunk_detail", args=[self.trunk.pk])


class ShareActionView(PlatformAdminMixin, ObjectActionView):
    def get_object(self):
        return get_object_or_404(
            TrunkAssignment.objects.select_related("trunk", "tenant"), pk=self.kwargs["share"]
        )

    def get_success_url(self, obj):
        return reverse("platform:trunk_detail", args=[obj.trunk_id])


class ShareDeleteView(ShareActionView):
    success_message = "“{obj.trunk}” is no longer shared with {obj.tenant.name}."

    def act(self, obj):
        services.assignment_delete(assignment=obj)
        return obj


class ShareRouteView(ShareActionView):
    def act(self, obj):
        order = services.assignment_route(assignment=obj, user=self.request.user)
        self.success_message = (
            f"Routing {len(order.numbers)} number(s) of {obj.tenant.name} to “{obj.trunk}”: "
            "see Number orders."
        )
        return obj


# Tenant: the trunks shared with it -----------------------------------------------------------


class TenantTrunkListView(TenantMixin, PaginatedListView):
    admin_only = True
    model = TrunkAssignment
    template_name = "trunks/tenant_trunk_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.tenant_shares()


class TenantTrunkDetailView(TenantMixin, ServiceFormMixin, FormView):
    admin_only = True
    model = TrunkAssignment
    form_class = CallerIdForm
    template_name = "trunks/tenant_trunk_detail.html"
    success_message = "Caller IDs on “{obj.trunk}” saved."

    def get_object(self):
        return get_object_or_404(
            TrunkAssignment.objects.select_related("trunk", "pool"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "example": selectors.caller_id_example(assignment=self.object),
        }

    def get_initial(self):
        return {"caller_ids": "\n".join(f"+{n}" for n in self.object.caller_ids)}

    def get_context_data(self, **kwargs):
        trunk = self.object.trunk
        return super().get_context_data(
            **{
                "share": self.object,
                "trunk": trunk,
                "connection": selectors.connection_of(trunk=trunk),
                **kwargs,
            }
        )

    def perform(self, form):
        return services.assignment_set_caller_ids(
            assignment=self.object, text=form.cleaned_data["caller_ids"]
        )

    def get_success_url(self):
        return reverse("tenant:trunk_detail", args=[self.tenant.slug, self.object.pk])
