"""Users on the platform side (system administrators): list, create, edit, and their roles in
tenants."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
)
from tenants import selectors, services
from tenants.filters import UserFilter
from tenants.forms import MembershipAddForm, UserCreateForm, UserEditForm
from tenants.models import Membership, User


class UserListView(PlatformAdminMixin, FilteredListView):
    model = User
    filterset_class = UserFilter
    template_name = "tenants/platform/user_list.html"
    table_template_name = "tenants/platform/_user_table.html"

    def get_base_queryset(self):
        return selectors.user_list()


class UserCreateView(PlatformAdminMixin, ServiceFormMixin, FormView):
    form_class = UserCreateForm
    template_name = "tenants/platform/user_form.html"
    success_message = "User {obj} created."

    def perform(self, form):
        return services.user_create(**form.cleaned_data)

    def get_success_url(self):
        return reverse("platform:user_detail", args=[self.result.pk])


class UserDetailView(PlatformAdminMixin, ServiceFormMixin, FormView):
    """A user's details and platform roles, with their tenants and roles there."""

    form_class = UserEditForm
    template_name = "tenants/platform/user_detail.html"
    success_message = "User {obj} saved."

    def get_object(self):
        return get_object_or_404(selectors.users_with_groups(), pk=self.kwargs["pk"])

    def get_initial(self):
        user = self.object
        return {
            "email": user.email,
            "full_name": user.full_name,
            "is_active": user.is_active,
            "is_system_admin": user.is_superuser,
            "is_support": any(g.name == services.SUPPORT_GROUP for g in user.groups.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{
                "object": self.object,
                "memberships": Membership.objects.filter(user=self.object).select_related("tenant"),
                "membership_form": MembershipAddForm(),
                **kwargs,
            }
        )

    def perform(self, form):
        return services.user_update(
            user=self.object, acting_user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("platform:user_detail", args=[self.object.pk])


class UserMembershipAddView(PlatformAdminMixin, ServiceFormMixin, FormView):
    # The form is on the user's page; this address only takes it.
    http_method_names = ["post"]
    form_class = MembershipAddForm
    template_name = "tenants/platform/user_detail.html"
    success_message = "Role saved: {obj}."

    def get_object(self):
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def form_invalid(self, form):
        view = UserDetailView(request=self.request, kwargs=self.kwargs, object=self.object)
        context = view.get_context_data(membership_form=form)
        return render(self.request, self.template_name, context, status=400)

    def perform(self, form):
        return services.membership_set(
            tenant=form.cleaned_data["tenant"], user=self.object, role=form.cleaned_data["role"]
        )

    def get_success_url(self):
        return reverse("platform:user_detail", args=[self.object.pk])


class PlatformMembershipRemoveView(PlatformAdminMixin, ObjectActionView):
    success_message = "Removed: {obj}."

    def get_object(self):
        return get_object_or_404(
            Membership.objects.select_related("user", "tenant"), pk=self.kwargs["pk"]
        )

    def act(self, obj):
        services.membership_remove(membership=obj, acting_user=self.request.user)
        return obj

    def get_success_url(self, obj):
        return (
            self.request.POST.get("next")
            if _safe_next(self.request)
            else reverse("platform:user_detail", args=[obj.user_id])
        )


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
