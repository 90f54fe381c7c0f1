"""Inbound routing (tenant admins): the tenant's SMS-capable numbers with their destination
in plain words, one number's rule, and the same rule on several numbers at once."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from dids.models import Did
from portal.views.base import FilteredListView, ServiceFormMixin, add_form_errors
from tenants.views.base import TenantMixin

from ..filters.routing import NumberRuleFilter
from ..forms.routing import BulkRuleForm, RuleForm
from ..models import NumberRoute
from ..services import routing as services

MAX_NUMBER_CHARS = 15


class NumberRuleListView(TenantMixin, FilteredListView):
    admin_only = True
    filterset_class = NumberRuleFilter
    template_name = "messaging/routing_list.html"
    table_template_name = "messaging/routing_table.html"

    def get_base_queryset(self):
        destination = NumberRoute.objects.filter(
            tenant=self.tenant, number=Cast(OuterRef("number"), output_field=CharField())
        ).values("destination")[:1]
        return services.sms_numbers(self.tenant).annotate(
            route_destination=Coalesce(Subquery(destination), Value(""))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        routes = {
            r.number: r
            for r in NumberRoute.objects.filter(
                tenant=self.tenant, number__in=[str(d.number) for d in page]
            ).select_related("agent", "queue", "endpoint")
        }
        context["rows"] = [
            (did, services.destination_words(routes.get(str(did.number)))) for did in page
        ]
        return context


def _number_of(view) -> str:
    number = str(view.kwargs["number"])
    if len(number) > MAX_NUMBER_CHARS or not services.is_sms_number(view.tenant, number):
        raise Http404("No such SMS number in your pool.")
    return number


class NumberRuleEditView(TenantMixin, ServiceFormMixin, FormView):
    admin_only = True
    model = Did  # the number named in the address is one of the pool's SMS-enabled DIDs
    form_class = RuleForm
    template_name = "messaging/routing_form.html"

    def get_object(self):
        self.number = _number_of(self)
        self.route = NumberRoute.objects.filter(tenant=self.tenant, number=self.number).first()
        return self.route

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "tenant": self.tenant}
        if self.request.method == "GET":
            kwargs["initial"] = vars(services.rule_data_of(self.route))
        return kwargs

    def perform(self, form):
        route = services.number_route_save(
            tenant=self.tenant, number=self.number, data=form.rule(), actor=self.request.user
        )
        messages.success(self.request, f"+{route.number}: {services.destination_words(route)}.")
        waiting = services.waiting_count(tenant=self.tenant, number=route.number)
        if waiting and route.destination:
            messages.info(
                self.request,
                f"{waiting} message(s) to +{route.number} wait in the unrouted list: “Route it” "
                "there delivers them.",
            )
        return route

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "number": self.number}

    def get_success_url(self):
        return reverse("tenant:routing_list", args=[self.tenant.slug])


class NumberRuleBulkView(TenantMixin, FormView):
    """The same rule on the numbers ticked in the list (all or none is written)."""

    admin_only = True
    form_class = BulkRuleForm
    template_name = "messaging/routing_bulk.html"

    def selected(self) -> list[str]:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        picked = [n for n in source.getlist("numbers")[: services.MAX_ROUTE_BATCH] if n]
        return [n[:MAX_NUMBER_CHARS] for n in picked]

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "tenant": self.tenant}
        kwargs["initial"] = vars(services.RuleData())
        return kwargs

    def form_valid(self, form):
        from django.core.exceptions import ValidationError

        numbers = self.selected()
        try:
            count = services.number_routes_apply(
                tenant=self.tenant, numbers=numbers, data=form.rule(), actor=self.request.user
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"The rule is set on {count} number(s).")
        return HttpResponseRedirect(reverse("tenant:routing_list", args=[self.tenant.slug]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "numbers": self.selected()}
