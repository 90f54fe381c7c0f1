"""Sender IDs: a tenant's list, a new number or name, one sender ID's countries and where each
stands (its registration's progress), its countries changed, deleted, registered again; and
the platform's list of every tenant's. Views save and queue; Wavix is called by the job."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView

from portal.phone import region_name
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
)
from tenants.views.base import TenantMixin

from ..filters.senders import PlatformSenderFilter, SenderFilter
from ..forms.senders import SenderCountriesForm, SenderIdForm
from ..models import SenderCountry, SenderId, SenderKind
from ..services import senders as services


def _with_countries(queryset):
    return queryset.select_related("channel").prefetch_related("countries")


class SenderListView(TenantMixin, FilteredListView):
    model = SenderId
    filterset_class = SenderFilter
    template_name = "messaging/sender_list.html"
    table_template_name = "messaging/sender_table.html"

    def get_base_queryset(self):
        return _with_countries(SenderId.objects.filter(tenant=self.tenant))


class SenderCreateView(TenantMixin, ServiceFormMixin, FormView):
    admin_only = True
    form_class = SenderIdForm
    template_name = "messaging/sender_form.html"
    success_message = "Sender ID “{obj}” saved; checking its countries with Wavix."

    @property
    def kind(self) -> str:
        kind = self.request.GET.get("kind") or self.request.POST.get("kind")
        return SenderKind.ALPHANUMERIC if kind == SenderKind.ALPHANUMERIC else SenderKind.NUMERIC

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "kind": self.kind}
        if self.kind == SenderKind.NUMERIC:
            self.choices = services.sender_number_choices(self.tenant)
            kwargs["numbers"] = self.choices.numbers
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["why_empty"] = getattr(self, "choices", None) and self.choices.why_empty
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.sender_create(
            tenant=self.tenant,
            kind=self.kind,
            value=form.value(),
            countries=data["countries"],
            usecase=data["usecase"],
            monthly_volume=data["monthly_volume"],
            samples=data["samples"],
            actor=self.request.user,
        )

    def get_success_url(self):
        return reverse("tenant:sender_detail", args=[self.tenant.slug, self.result.pk])


def sender_or_404(view) -> SenderId:
    return get_object_or_404(
        _with_countries(SenderId.objects.filter(tenant=view.tenant)), pk=view.kwargs["pk"]
    )


class SenderDetailView(TenantMixin, DetailView):
    model = SenderId
    template_name = "messaging/sender_detail.html"
    context_object_name = "sender"

    def get_object(self, queryset=None):
        return sender_or_404(self)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = services.sender_active_job(self.object) or (
            services.sender_jobs(self.object).first()
        )
        countries = list(SenderCountry.objects.filter(sender=self.object))
        for c in countries:
            c.name = region_name(c.country)
        context["countries"] = countries
        return context

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.GET.get("part") == "state":
            return ["messaging/sender_state.html"]
        return [self.template_name]


class SenderCountriesView(TenantMixin, ServiceFormMixin, FormView):
    admin_only = True
    model = SenderId
    form_class = SenderCountriesForm
    template_name = "messaging/sender_countries.html"
    success_message = "Countries of “{obj}” saved; registering it again with Wavix."

    def get_object(self):
        return sender_or_404(self)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.object.kind}

    def get_initial(self):
        return {"countries": [c.country for c in self.object.countries.all()]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"sender": self.object, **kwargs})

    def perform(self, form):
        return services.sender_countries_set(
            sender=self.object, countries=form.cleaned_data["countries"]
        )

    def get_success_url(self):
        return reverse("tenant:sender_detail", args=[self.tenant.slug, self.object.pk])


class SenderActionView(TenantMixin, ObjectActionView):
    admin_only = True
    model = SenderId

    def get_object(self):
        return sender_or_404(self)

    def get_success_url(self, obj):
        return reverse("tenant:sender_detail", args=[self.tenant.slug, obj.pk])


class SenderDeleteView(SenderActionView):
    success_message = "Sender ID “{obj}” deleted: messages can no longer be sent from it."

    def act(self, obj):
        label = str(obj)
        services.sender_delete(sender=obj)
        return label

    def get_success_url(self, obj):
        return reverse("tenant:sender_list", args=[self.tenant.slug])


class SenderRetryView(SenderActionView):
    success_message = "Registering “{obj}” with Wavix again."

    def act(self, obj):
        return services.sender_retry(sender=obj)


class PlatformSenderListView(PlatformAdminMixin, FilteredListView):
    """Every tenant's sender IDs, for system administrators."""

    model = SenderId
    filterset_class = PlatformSenderFilter
    template_name = "messaging/sender_platform_list.html"
    table_template_name = "messaging/sender_table.html"

    def get_base_queryset(self):
        return _with_countries(SenderId.objects.select_related("tenant")).order_by(
            "tenant__name", "value"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"platform": True, **kwargs})
