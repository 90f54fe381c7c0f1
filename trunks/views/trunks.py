"""SIP trunks for system administrators: the list, the form, the detail with its sync state,
delete and retry. Views save and queue; the push to Wavix runs in a task."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.views import View
from django.views.generic import DetailView, FormView

from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
)
from trunks import rules, selectors, services
from trunks.filters import TrunkFilter
from trunks.forms import TrunkForm
from trunks.models import SETTINGS, ForeignTrunk, SipTrunk, TrunkReconcile


def trunk_or_404(pk) -> SipTrunk:
    return get_object_or_404(SipTrunk.objects.select_related("account"), pk=pk)


class TrunkListView(PlatformAdminMixin, FilteredListView):
    model = SipTrunk
    filterset_class = TrunkFilter
    template_name = "trunks/platform/trunk_list.html"
    table_template_name = "trunks/platform/_trunk_table.html"

    def get_base_queryset(self):
        return selectors.trunk_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["foreign"] = (
            ForeignTrunk.objects.select_related("account")
            if self.filterset.shows_foreign
            else ForeignTrunk.objects.none()
        )
        context["reconciles"] = TrunkReconcile.objects.select_related("account")
        return context


class TrunkFormView(PlatformAdminMixin, ServiceFormMixin, FormView):
    form_class = TrunkForm
    template_name = "trunks/platform/trunk_form.html"
    success_message = "Trunk “{obj}” saved; pushing it to Wavix."

    def get_object(self):
        return trunk_or_404(self.kwargs["pk"]) if "pk" in self.kwargs else None

    @property
    def trunk(self) -> SipTrunk | None:
        return getattr(self, "object", None)

    def get_form_kwargs(self):
        trunk = self.trunk
        return {
            **super().get_form_kwargs(),
            "editing": trunk is not None,
            "password_known": bool(trunk and trunk.password_known),
        }

    def get_initial(self):
        trunk = self.trunk
        if trunk is None:
            return {
                "auth_method": SipTrunk.AuthMethod.DIGEST,
                "didinfo_enabled": True,
                "transcription_threshold": 6,
            }
        initial = {name: getattr(trunk, name) for name in SETTINGS}
        initial["allowed_ips"] = "\n".join(trunk.allowed_ips or [])
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"trunk": self.trunk, **kwargs})

    def perform(self, form):
        account = None if self.trunk else form.cleaned_data["account"]
        return services.trunk_save(account=account, trunk=self.trunk, data=form.settings())

    def get_success_url(self):
        return reverse("platform:trunk_detail", args=[self.result.pk])


class PasswordGenerateView(PlatformAdminMixin, View):
    """“Generate”: a strong password into the form (htmx), shown in clear this once."""

    def get(self, request, *args, **kwargs):
        return HttpResponse(
            format_html(
                '<input type="text" name="password" id="id_password" value="{}" '
                'class="form-control font-monospace" autocomplete="off" data-testid="generated">',
                rules.generate_password(),
            )
        )


class TrunkDetailView(PlatformAdminMixin, DetailView):
    model = SipTrunk
    template_name = "trunks/platform/trunk_detail.html"
    context_object_name = "trunk"

    def get_object(self, queryset=None):
        return trunk_or_404(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shares"] = selectors.shares_of(trunk=self.object)
        context["connection"] = selectors.connection_of(trunk=self.object)
        context["polling"] = self.object.sync_state == SipTrunk.SyncState.PENDING
        return context

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.GET.get("part") == "sync":
            return ["trunks/platform/_sync_state.html"]
        return [self.template_name]


class TrunkActionView(PlatformAdminMixin, ObjectActionView):
    def get_object(self):
        return trunk_or_404(self.kwargs["pk"])

    def get_success_url(self, obj):
        return reverse("platform:trunk_detail", args=[obj.pk])


class TrunkDeleteView(TrunkActionView):
    success_message = "Trunk “{obj}” is being deleted on Wavix."

    def act(self, obj):
        return services.trunk_delete(trunk=obj)

    def get_success_url(self, obj):
        return reverse("platform:trunk_list")


class TrunkRetryView(TrunkActionView):
    success_message = "Pushing “{obj}” to Wavix again."

    def act(self, obj):
        return services.trunk_retry(trunk=obj)
