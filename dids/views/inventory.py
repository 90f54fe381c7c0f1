"""The number inventory held on Wavix, its sync runs, and orders (return, set destination),
for system administrators. Views queue work and show its progress; they never wait on Wavix."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from dids import selectors, services
from dids.filters import InventoryFilter
from dids.models import Did, NumberOrder, SyncRun
from dids.services.orders import order_sms_enable
from portal import phone
from portal.forms import Form
from portal.models import WavixAccount
from portal.views.base import (
    FilteredListView,
    PaginatedListView,
    PartialMixin,
    PlatformAdminMixin,
    add_form_errors,
)


class InventoryListView(PlatformAdminMixin, FilteredListView):
    model = Did
    filterset_class = InventoryFilter
    template_name = "dids/platform/inventory_list.html"
    table_template_name = "dids/platform/_inventory_table.html"

    def get_base_queryset(self):
        return Did.objects.select_related("account").with_owner().order_by("number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.attach_e911(context["object_list"], scoped=False)
        selectors.attach_labels(context["object_list"])
        return context


class PollingListView(PlatformAdminMixin, PartialMixin, PaginatedListView):
    """A list whose table refreshes itself (htmx) while something in it is still running."""

    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["polling"] = any(item.is_active for item in context["object_list"])
        context["table_template"] = self.table_template_name
        return context


class SyncRunListView(PollingListView):
    model = SyncRun
    template_name = "dids/platform/sync_list.html"
    table_template_name = "dids/platform/_sync_table.html"

    def get_queryset(self):
        return SyncRun.objects.select_related("account", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["accounts"] = WavixAccount.objects.order_by("-is_default", "name")
        return context


class SyncStartView(PlatformAdminMixin, View):
    """“Sync now”: queues a run (or joins the one under way) and shows the runs."""

    http_method_names = ["post"]

    def get_object(self):
        return get_object_or_404(WavixAccount, pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        run = services.sync_start(account=self.object, user=request.user)
        messages.info(request, f"Sync of “{self.object}” {run.get_status_display().lower()}.")
        return HttpResponseRedirect(reverse("platform:sync_list"))


class OrderListView(PollingListView):
    model = NumberOrder
    template_name = "dids/platform/order_list.html"
    table_template_name = "dids/platform/_order_table.html"

    def get_queryset(self):
        return NumberOrder.objects.select_related("account", "tenant", "requested_by")


def _numbers_in(values) -> list[int]:
    return sorted({n for n in map(phone.from_storage, values) if n is not None})


def _selected_numbers(request) -> list[int]:
    return _numbers_in(request.POST.getlist("numbers") or request.GET.getlist("numbers"))


class ReturnNumbersView(PlatformAdminMixin, View):
    """Returns the selected numbers to Wavix (confirmed in the page first)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        numbers = _selected_numbers(request)
        try:
            order = services.order_return(numbers=numbers, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("platform:inventory_list"))
        messages.success(request, f"Queued: {order}.")
        return HttpResponseRedirect(reverse("platform:order_list"))


class SmsEnableView(PlatformAdminMixin, View):
    """Enables SMS on Wavix for the selected US and Canadian numbers (confirmed in the page
    first): an order carried out in the background, its progress in the orders list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            order = order_sms_enable(numbers=_selected_numbers(request), user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("platform:inventory_list"))
        messages.success(request, f"Queued: {order}.")
        return HttpResponseRedirect(reverse("platform:order_list"))


class DestinationForm(Form):
    kind = forms.ChoiceField(
        label="Route calls to",
        choices=[("sip_uri", "SIP URI"), ("pstn", "PSTN number"), ("trunk", "SIP trunk")],
    )
    value = forms.CharField(
        label="Destination",
        max_length=255,
        help_text="SIP URI: [did]@pbx.example.com · PSTN: 14155550100 · trunk: its SIP login.",
    )
    trunk_id = forms.IntegerField(
        required=False, label="Wavix trunk ID", help_text="For a SIP trunk only."
    )
    numbers = forms.CharField(widget=forms.HiddenInput)


class DestinationView(PlatformAdminMixin, FormView):
    form_class = DestinationForm
    template_name = "dids/platform/destination_form.html"

    def get_initial(self):
        return {"numbers": ",".join(str(n) for n in _selected_numbers(self.request))}

    def numbers(self, form=None) -> list[int]:
        raw = (
            form.data.get("numbers")
            if form is not None and form.is_bound
            else self.get_initial()["numbers"]
        ) or ""
        return _numbers_in(raw.split(","))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["selected"] = self.numbers(context["form"])
        return context

    def form_valid(self, form):
        try:
            order = services.order_destination(
                numbers=self.numbers(form),
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                trunk_id=form.cleaned_data["trunk_id"],
                user=self.request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Queued: {order}.")
        return HttpResponseRedirect(reverse("platform:order_list"))
