"""The reconcile with Wavix, for system administrators: "Check Wavix now", and settling what
it finds (the portal's settings pushed again, Wavix's taken, a trunk on Wavix imported)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View

from portal.views.base import ObjectActionView, PlatformAdminMixin
from trunks import services
from trunks.models import ForeignTrunk, SipTrunk

from .trunks import TrunkActionView


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
        services.reconcile_request()
        messages.info(request, "Comparing the trunks on Wavix with the portal's.")
        return HttpResponseRedirect(reverse("platform:trunk_list"))
