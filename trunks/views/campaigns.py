"""Voice campaigns in the browser: the call flows system administrators enter (list, form,
delete after a confirmation), and a tenant admin's campaigns (start one to a contact or a CSV
list, follow its progress, pause, resume, cancel after a confirmation, export the results).
Views save and queue; the calls are placed by the dispatcher's task, never here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView

from portal.exports import csv_response, in_scope
from portal.models import WavixAccount
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
    add_form_errors,
)
from tenants.views.base import TenantMixin
from trunks import contact_lists, selectors
from trunks.filters import CallFlowFilter, CampaignContactFilter, CampaignFilter
from trunks.forms import CallFlowForm, CampaignForm
from trunks.models import CallFlow, VoiceCampaign
from trunks.services import campaigns as services

# Platform: call flows --------------------------------------------------------------------------


class CallFlowListView(PlatformAdminMixin, FilteredListView):
    model = CallFlow
    filterset_class = CallFlowFilter
    template_name = "trunks/platform/callflow_list.html"
    table_template_name = "trunks/platform/_callflow_table.html"

    def get_base_queryset(self):
        return CallFlow.objects.select_related("account").prefetch_related("tenants")


class CallFlowFormView(PlatformAdminMixin, ServiceFormMixin, FormView):
    model = CallFlow
    form_class = CallFlowForm
    template_name = "trunks/platform/callflow_form.html"
    success_message = "Call flow “{obj.label}” saved."

    def get_object(self):
        return get_object_or_404(CallFlow, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    @property
    def flow(self) -> CallFlow | None:
        return getattr(self, "object", None)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": self.flow is not None}

    def get_initial(self):
        flow = self.flow
        if flow is None:
            # Most platforms have one Wavix account: it is the flow's unless said otherwise.
            return {
                "is_active": True,
                "account": WavixAccount.objects.filter(is_default=True).first(),
            }
        return {
            "wavix_id": flow.wavix_id,
            "label": flow.label,
            "description": flow.description,
            "tenants": list(flow.tenants.all()),
            "is_active": flow.is_active,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"flow": self.flow, **kwargs})

    def perform(self, form):
        data = form.cleaned_data
        return services.callflow_save(
            flow=self.flow,
            account=None if self.flow else data["account"],
            wavix_id=data["wavix_id"],
            label=data["label"],
            description=data.get("description", ""),
            tenants=list(data["tenants"]),
            is_active=data.get("is_active", False),
        )

    def get_success_url(self):
        return reverse("platform:callflow_list")


class CallFlowDeleteView(PlatformAdminMixin, ObjectActionView):
    model = CallFlow
    success_message = "Call flow “{obj.label}” deleted."

    def get_object(self):
        return get_object_or_404(CallFlow, pk=self.kwargs["pk"])

    def act(self, obj):
        return services.callflow_delete(flow=obj)

    def get_success_url(self, obj):
        return reverse("platform:callflow_list")


# Tenant: campaigns ----------------------------------------------------------------------------


class CampaignMixin(TenantMixin):
    admin_only = True
    model = VoiceCampaign

    def get_object(self):
        return get_object_or_404(selectors.campaign_list(), pk=self.kwargs["pk"])


class CampaignListView(CampaignMixin, FilteredListView):
    filterset_class = CampaignFilter
    template_name = "trunks/campaign_list.html"
    table_template_name = "trunks/_campaign_table.html"

    def get_filterset_kwargs(self) -> dict:
        return {"flows": selectors.campaign_flows(self.tenant)}

    def get_base_queryset(self):
        return selectors.campaign_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["polling"] = any(c.is_active for c in context["object_list"])
        return context


class CampaignCreateView(CampaignMixin, FormView):
    """One contact or a CSV list: the contacts are stored in one service call (a constant
    number of queries whatever the list's length); the calls start in the background."""

    form_class = CampaignForm
    template_name = "trunks/campaign_form.html"

    @cached_property
    def flows(self):
        return selectors.allowed_flows(self.tenant)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "flows": self.flows}

    def get_context_data(self, **kwargs):
        flows = list(self.flows)
        accounts = {f.account_id for f in flows}
        numbers = {
            account: list(
                selectors.caller_id_choices(self.tenant, account).values_list("number", flat=True)[
                    :200
                ]
            )
            for account in accounts
        }
        caller_ids = sorted({n for ns in numbers.values() for n in ns})
        return super().get_context_data(**{"flows": flows, "caller_ids": caller_ids, **kwargs})

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            caller_id = services.parse_caller_id(data["caller_id"])
            contacts = self.contacts(form)
            campaign = services.campaign_create(
                tenant=self.tenant,
                user=self.request.user,
                flow=data["flow"],
                caller_id=caller_id,
                rate=data["rate"],
                name=data["name"],
                contacts=contacts,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        self.report(campaign, contacts)
        return HttpResponseRedirect(
            reverse("tenant:campaign_detail", args=[self.tenant.slug, campaign.pk])
        )

    @staticmethod
    def contacts(form) -> contact_lists.ContactList:
        data = form.cleaned_data
        try:
            if data.get("contact"):
                return contact_lists.read_entries([(data["contact"], "")])
            return contact_lists.read_csv(form.content() or b"")
        except contact_lists.ListError as exc:
            field = "contact" if data.get("contact") else "file"
            raise ValidationError({field: [str(exc)]}) from None

    def report(self, campaign: VoiceCampaign, contacts: contact_lists.ContactList) -> None:
        messages.success(
            self.request,
            f"Campaign “{campaign.name}” started: {campaign.queued} contact(s) to call at "
            f"{campaign.rate} a minute.",
        )
        bad = contacts.bad
        if bad:
            shown = "; ".join(r.reason for r in bad[:5])
            more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
            messages.warning(self.request, f"{len(bad)} row(s) skipped: {shown}{more}")
        if contacts.duplicates:
            messages.info(
                self.request, f"{contacts.duplicates} number(s) given twice are called once."
            )
        opted = campaign.skipped - len(bad)
        if opted:
            messages.info(self.request, f"{opted} number(s) opted out and are skipped.")


class CampaignDetailView(CampaignMixin, FilteredListView):
    """The campaign's progress (polled while it runs) and its contacts, filtered by status."""

    filterset_class = CampaignContactFilter
    template_name = "trunks/campaign_detail.html"
    table_template_name = "trunks/_campaign_contacts.html"

    def get_base_queryset(self):
        return selectors.campaign_contacts(self.object)

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.GET.get("part") == "progress":
            return ["trunks/_campaign_progress.html"]
        return super().get_template_names()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("part") == "progress" and not self.object.is_active:
            response["HX-Refresh"] = "true"  # finished: the page reloads, its controls too
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaign"] = self.object
        return context


class CampaignExportView(CampaignMixin, FilteredListView):
    filterset_class = CampaignContactFilter

    def get_base_queryset(self):
        return selectors.campaign_contacts(self.object)

    def get(self, request, *args, **kwargs):
        rows = in_scope(selectors.campaign_csv_rows(self.get_queryset()), tenant=self.tenant)
        name = f"{self.tenant.slug}-campaign-{self.object.pk}.csv"
        return csv_response(name, selectors.CAMPAIGN_CSV_HEADER, rows)


class CampaignActionView(CampaignMixin, ObjectActionView):
    def get_success_url(self, obj):
        return reverse("tenant:campaign_detail", args=[self.tenant.slug, obj.pk])


class CampaignPauseView(CampaignActionView):
    success_message = "“{obj}” is paused: no new call is placed until you resume it."

    def act(self, obj):
        return services.campaign_pause(campaign=obj)


class CampaignResumeView(CampaignActionView):
    success_message = "“{obj}” goes on."

    def act(self, obj):
        return services.campaign_resume(campaign=obj)


class CampaignCancelView(CampaignActionView):
    success_message = "“{obj}” is cancelled: the contacts not called yet are skipped."

    def act(self, obj):
        return services.campaign_cancel(campaign=obj)
