"""SIP trunks and their sharing, for system administrators. Views save and queue; the pushes
and the reconcile run in tasks, and each trunk shows its sync state."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View
from django.views.generic import DetailView, FormView

from portal.models import WavixAccount
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
)
from tenants.models import Tenant
from trunks import selectors, services
from trunks import validation as rules
from trunks.filters import TrunkFilter
from trunks.forms import ShareForm, TrunkForm
from trunks.models import ForeignTrunk, SipTrunk, TrunkAssignment, TrunkReconcile


def _trunk(pk) -> SipTrunk:
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
        return _trunk(self.kwargs["pk"]) if "pk" in self.kwargs else None

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
            return {"auth_method": "digest", "didinfo_enabled": True, "transcription_threshold": 6}
        initial = {name: getattr(trunk, name) for name in services.SETTINGS}
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
        return _trunk(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shares"] = selectors.shares_of(self.object)
        context["connection"] = selectors.connection_of(self.object)
        context["polling"] = self.object.sync_state == SipTrunk.SyncState.PENDING
        return context

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.GET.get("part") == "sync":
            return ["trunks/platform/_sync_state.html"]
        return [self.template_name]


class TrunkActionView(PlatformAdminMixin, ObjectActionView):
    def get_object(self):
        return _trunk(self.kwargs["pk"])

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


class TrunkRepushView(TrunkActionView):
    success_message = "The portal's settings of “{obj}” are being pushed to Wavix."

    def act(self, obj):
        return services.trunk_repush(trunk=obj)


class TrunkAcceptView(TrunkActionView):
    success_message = "“{obj}” now has Wavix's settings."

    def act(self, obj):
        return services.trunk_accept_wavix(trunk=obj)


class ForeignImportView(PlatformAdminMixin, ObjectActionView):
    success_message = "Imported “{obj}” from Wavix."

    def get_object(self):
        return get_object_or_404(ForeignTrunk, pk=self.kwargs["pk"])

    def act(self, obj):
        return services.trunk_import(foreign=obj)

    def get_success_url(self, obj):
        if isinstance(obj, SipTrunk):
            return reverse("platform:trunk_detail", args=[obj.pk])
        return reverse("platform:trunk_list")


class ReconcileView(PlatformAdminMixin, View):
    """“Check Wavix now”: queues the reconcile of every account."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from trunks.tasks import reconcile_trunks

        for account in WavixAccount.objects.all():
            TrunkReconcile.objects.update_or_create(
                account=account, defaults={"requested_at": timezone.now()}
            )
        transaction.on_commit(lambda: reconcile_trunks.delay())
        messages.info(request, "Comparing the trunks on Wavix with the portal's.")
        return HttpResponseRedirect(reverse("platform:trunk_list"))


# Sharing -------------------------------------------------------------------------------------


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
        self.trunk = _trunk(self.kwargs["pk"])
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
