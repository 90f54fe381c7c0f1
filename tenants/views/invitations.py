"""Invitations in the browser: tenant admins invite, list, resend and revoke; the invited person
answers through the mailed link or, once logged in, from their list of pending invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_scopes import scopes_disabled

from portal.views.base import FilteredListView, ObjectActionView, ServiceFormMixin, add_form_errors
from tenants.filters import InvitationFilter
from tenants.forms import InvitationAcceptForm, InvitationForm
from tenants.models import Invitation, User
from tenants.services import invitations
from tenants.views.base import TenantMixin

# Tenant admins -------------------------------------------------------------------------------


class InvitationListView(TenantMixin, FilteredListView):
    admin_only = True
    model = Invitation
    filterset_class = InvitationFilter
    template_name = "tenants/invitation_list.html"
    table_template_name = "tenants/_invitation_table.html"

    def get_base_queryset(self):
        return Invitation.objects.select_related("invited_by").order_by("-created_at")


class InvitationCreateView(TenantMixin, ServiceFormMixin, FormView):
    admin_only = True
    form_class = InvitationForm
    template_name = "tenants/invitation_form.html"
    success_message = (
        "Invitation sent to {obj.email}. They join as {obj.role_label} once they accept it."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "can_choose_role": self.request.user.is_system_admin}

    def perform(self, form):
        return invitations.invitation_create(
            acting_user=self.request.user, tenant=self.tenant, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("tenant:invitation_list", args=[self.tenant.slug])


class InvitationObjectMixin(TenantMixin):
    admin_only = True
    model = Invitation

    def get_object(self):
        invitation = Invitation.objects.filter(pk=self.kwargs["pk"]).first()
        if invitation is None:
            raise Http404("No such invitation.")
        return invitation

    def get_success_url(self, obj):
        return reverse("tenant:invitation_list", args=[self.tenant.slug])


class InvitationResendView(InvitationObjectMixin, ObjectActionView):
    success_message = (
        "Invitation sent again to {obj.email}, with a new link; the old one no longer works."
    )

    def act(self, obj):
        return invitations.invitation_resend(invitation=obj)


class InvitationRevokeView(InvitationObjectMixin, ObjectActionView):
    success_message = "Invitation of {obj.email} revoked; its link no longer works."

    def act(self, obj):
        return invitations.invitation_revoke(invitation=obj)


# The invited person --------------------------------------------------------------------------


@login_required
def my_invitations(request):
    return render(
        request,
        "tenants/my_invitations.html",
        {"invitations": invitations.pending_invitations_for(request.user)},
    )


def _mine(request, pk: int) -> Invitation:
    """One of the logged-in user's own pending invitations, else 404."""
    for invitation in invitations.pending_invitations_for(request.user):
        if invitation.pk == pk:
            return invitation
    raise Http404("No such invitation.")


@method_decorator(login_required, name="dispatch")
class MyInvitationAnswerView(View):
    http_method_names = ["post"]
    answer = "accept"

    def post(self, request, pk):
        invitation = _mine(request, pk)
        return _answer(request, invitation, self.answer)


def _answer(request, invitation: Invitation, answer: str):
    try:
        if answer == "accept":
            invitations.invitation_accept(invitation=invitation, user=request.user)
        else:
            invitations.invitation_decline(invitation=invitation, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("my_invitations")
    if answer == "accept":
        messages.success(request, f"You joined {invitation.tenant.name}.")
        return redirect("tenant:dashboard", tenant_slug=invitation.tenant.slug)
    messages.info(request, f"You declined the invitation to {invitation.tenant.name}.")
    return redirect("my_invitations")


@method_decorator(never_cache, name="dispatch")
class InvitationRespondView(View):
    """The mailed link. A new person chooses a password here; someone with an account logs in
    as the invited address and accepts or declines."""

    template_name = "tenants/invitation_respond.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitations.invitation_by_token(kwargs["token"])
        if self.invitation is None:
            return self.page(status=404, problem="unknown")
        if not self.invitation.is_pending:
            return self.page(status=410, problem=self.invitation.state)
        with scopes_disabled():
            self.has_account = User.objects.filter(email=self.invitation.email).exists()
        user = request.user
        if user.is_authenticated and user.email != self.invitation.email:
            return self.page(status=403, problem="other_user")
        return super().dispatch(request, *args, **kwargs)

    def page(self, status=200, **context):
        context.setdefault("invitation", self.invitation)
        context.setdefault("has_account", getattr(self, "has_account", False))
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        if self.has_account:
            return self.page()
        return self.page(form=InvitationAcceptForm())

    def post(self, request, token):
        if self.has_account:
            if not request.user.is_authenticated:
                return self.page(status=403)
            answer = "decline" if request.POST.get("answer") == "decline" else "accept"
            return _answer(request, self.invitation, answer)
        form = InvitationAcceptForm(request.POST)
        if form.is_valid():
            try:
                membership = invitations.invitation_accept_new_account(
                    invitation=self.invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome! You joined {membership.tenant.name}.")
                return redirect("tenant:dashboard", tenant_slug=membership.tenant.slug)
        return self.page(status=400, form=form)
