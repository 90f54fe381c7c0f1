"""Wavix accounts in the browser (system administrators)."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from portal import services
from portal.forms import Form
from portal.models import WavixAccount
from portal.views.base import (
    ObjectActionView,
    PaginatedListView,
    PlatformAdminMixin,
    ServiceFormMixin,
)


class WavixAccountForm(Form):
    """A plain form: the service validates the account (uniqueness, the one default) and
    moves the default from the previous account."""

    name = forms.CharField(max_length=100)
    base_url = forms.URLField(
        label="API base URL",
        assume_scheme="https",
        initial="https://api.wavix.com",
        help_text="https://api.wavix.com for Wavix itself.",
    )
    auth_mode = forms.ChoiceField(label="Send the key as", choices=WavixAccount.AuthMode.choices)
    api_key = forms.CharField(
        label="API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted and never shown again. Leave empty to keep the current key.",
    )
    is_default = forms.BooleanField(label="Default account", required=False)


class WavixAccountListView(PlatformAdminMixin, PaginatedListView):
    model = WavixAccount
    template_name = "portal/wavix_account_list.html"
    paginate_by = 25

    def get_queryset(self):
        return WavixAccount.objects.order_by("-is_default", "name")


class WavixAccountFormView(PlatformAdminMixin, ServiceFormMixin, FormView):
    form_class = WavixAccountForm
    template_name = "portal/wavix_account_form.html"
    success_message = "Wavix account “{obj}” saved."

    def get_object(self):
        return (
            get_object_or_404(WavixAccount, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None
        )

    def get_initial(self):
        account = getattr(self, "object", None)
        if account is None:
            return super().get_initial()
        return {
            "name": account.name,
            "base_url": account.base_url,
            "auth_mode": account.auth_mode,
            "is_default": account.is_default,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"object": getattr(self, "object", None), **kwargs})

    def perform(self, form):
        data = form.cleaned_data
        return services.wavix_account_save(
            account=getattr(self, "object", None),
            name=data["name"],
            base_url=data["base_url"],
            auth_mode=data["auth_mode"],
            api_key=data["api_key"],
            is_default=data["is_default"],
        )

    def get_success_url(self):
        return reverse("platform:wavix_account_list")


class WavixAccountTestView(PlatformAdminMixin, View):
    """“Test connection”: answers within a few seconds with the profile or the reason."""

    http_method_names = ["post"]

    def get_object(self):
        return get_object_or_404(WavixAccount, pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        ok, message, profile = services.wavix_account_test(account=self.object)
        return render(
            request,
            "portal/_wavix_test_result.html",
            {"ok": ok, "message": message, "profile": profile, "account": self.object},
        )


class WavixAccountDeleteView(PlatformAdminMixin, ObjectActionView):
    success_message = "Wavix account “{obj}” deleted."

    def get_object(self):
        return get_object_or_404(WavixAccount, pk=self.kwargs["pk"])

    def act(self, obj):
        services.wavix_account_delete(account=obj)
        return obj

    def get_success_url(self, obj):
        return reverse("platform:wavix_account_list")
