"""The trunks shared with a tenant, for its admins: connection details without secrets, the
tenant's pool on each trunk, and its caller IDs chosen among its own numbers."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import PaginatedListView, ServiceFormMixin
from tenants.views.base import TenantMixin
from trunks import selectors, services
from trunks.forms import CallerIdForm
from trunks.models import TrunkAssignment


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
        return {**super().get_form_kwargs(), "example": selectors.caller_id_example(self.object)}

    def get_initial(self):
        return {"caller_ids": "\n".join(f"+{n}" for n in self.object.caller_ids)}

    def get_context_data(self, **kwargs):
        trunk = self.object.trunk
        return super().get_context_data(
            **{
                "share": self.object,
                "trunk": trunk,
                "connection": selectors.connection_of(trunk),
                **kwargs,
            }
        )

    def perform(self, form):
        return services.assignment_set_caller_ids(
            assignment=self.object, text=form.cleaned_data["caller_ids"]
        )

    def get_success_url(self):
        return reverse("tenant:trunk_detail", args=[self.tenant.slug, self.object.pk])
