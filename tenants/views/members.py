"""A tenant's members (tenant side): list, change a role, remove."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import FilteredListView, ObjectActionView, ServiceFormMixin
from tenants import services
from tenants.filters import MembershipFilter
from tenants.forms import MemberEditForm
from tenants.models import Membership, Role
from tenants.views.base import TenantMixin


class TenantMembershipMixin(TenantMixin):
    model = Membership

    def get_object(self):
        return get_object_or_404(Membership.objects.select_related("user"), pk=self.kwargs["pk"])


class MemberListView(TenantMixin, FilteredListView):
    model = Membership
    filterset_class = MembershipFilter
    template_name = "tenants/member_list.html"
    table_template_name = "tenants/_member_table.html"

    def get_base_queryset(self):
        return Membership.objects.select_related("user").order_by("user__email")


class MemberEditView(TenantMembershipMixin, ServiceFormMixin, FormView):
    admin_only = True
    form_class = MemberEditForm
    template_name = "tenants/member_form.html"
    success_message = "{obj.user} saved."

    def get_initial(self):
        return {"role": self.object.role}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_system_admin:
            form.fields["role"].choices = [(Role.AGENT, Role.AGENT.label)]
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"membership": self.object, **kwargs})

    def perform(self, form):
        services.check_can_manage(
            acting_user=self.request.user,
            membership=self.object,
            new_role=form.cleaned_data["role"],
        )
        return services.membership_set(
            tenant=self.tenant, user=self.object.user, role=form.cleaned_data["role"]
        )

    def get_success_url(self):
        return reverse("tenant:member_list", args=[self.tenant.slug])


class MemberRemoveView(TenantMembershipMixin, ObjectActionView):
    admin_only = True
    success_message = "{obj.user} removed from the tenant."

    def act(self, obj):
        services.check_can_manage(acting_user=self.request.user, membership=obj)
        services.membership_remove(membership=obj, acting_user=self.request.user)
        return obj

    def get_success_url(self, obj):
        return reverse("tenant:member_list", args=[self.tenant.slug])
