"""Number routing rules in the API (tenant admins): the SMS-capable numbers of the tenant's
pool with their rule (a number with none shows the defaults, destination ""), one by its
digits, and an update, through the same service as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from dids.models import Did
from tenants.api.base import TenantViewSet

from ..models import Destination, MessageQueue, NumberRoute, TenantWebhook
from ..services import routing as services


class RuleSerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True, help_text="E.164 digits.")
    destination = serializers.ChoiceField(choices=Destination.choices, allow_blank=True)
    agent = serializers.IntegerField(allow_null=True, required=False, min_value=1)
    queue = serializers.IntegerField(allow_null=True, required=False, min_value=1)
    endpoint = serializers.IntegerField(allow_null=True, required=False, min_value=1)
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254), max_length=10, required=False
    )
    email_digest_minutes = serializers.IntegerField(min_value=0, max_value=1440, required=False)
    starters = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=500, required=False
    )
    stickiness_hours = serializers.IntegerField(min_value=0, max_value=720, required=False)
    auto_close_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    reformat = serializers.BooleanField(required=False)


def rule_json(number: str, route: NumberRoute | None) -> dict:
    data = services.rule_data_of(route)
    return {
        "number": str(number),
        "destination": data.destination,
        "agent": data.agent.pk if data.agent else None,
        "queue": data.queue.pk if data.queue else None,
        "endpoint": data.endpoint.pk if data.endpoint else None,
        "emails": data.emails.split() if data.emails else [],
        "email_digest_minutes": data.email_digest_minutes,
        "starters": [u.pk for u in data.starters],
        "stickiness_hours": data.stickiness_hours,
        "auto_close_days": data.auto_close_days,
        "reformat": data.reformat,
    }


NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="E.164 digits.")


class NumberRuleApiViewSet(TenantViewSet):
    """Where the messages to each SMS number go, and its conversation rules."""

    api_noun = ("number routing rule", "number routing rules")
    serializer_class = RuleSerializer
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,15}"
    admin_actions = {"list", "retrieve", "update", "partial_update"}

    model = Did  # the rows listed are the pool's SMS numbers, each with its rule

    def scoped_queryset(self):
        return services.sms_numbers(self.tenant)

    def get_object(self):
        number = str(self.kwargs["number"])
        if not services.is_sms_number(self.tenant, number):
            raise Http404("No such SMS number in your pool.")
        return NumberRoute.objects.filter(tenant=self.tenant, number=number).first()

    def list(self, request, tenant_slug=None):
        page = self.paginate_queryset(self.get_queryset())
        numbers = [str(d.number) for d in page]
        routes = {
            r.number: r
            for r in NumberRoute.objects.filter(tenant=self.tenant, number__in=numbers)
            .select_related("agent", "queue", "endpoint")
            .prefetch_related("starters")
        }
        return self.get_paginated_response([rule_json(n, routes.get(n)) for n in numbers])

    @extend_schema(parameters=[NUMBER])
    def retrieve(self, request, tenant_slug=None, number=None):
        return Response(rule_json(number, self.get_object()))

    @extend_schema(parameters=[NUMBER], request=RuleSerializer, responses={200: RuleSerializer})
    def update(self, request, tenant_slug=None, number=None, partial=False):
        current = services.rule_data_of(self.get_object())
        body = RuleSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        for name in (
            "destination",
            "email_digest_minutes",
            "stickiness_hours",
            "auto_close_days",
            "reformat",
        ):
            if name in data:
                setattr(current, name, data[name])
        if "emails" in data:
            current.emails = "\n".join(data["emails"])
        lookups = {
            "agent": services.members_of(self.tenant),
            "queue": MessageQueue.objects.filter(tenant=self.tenant),
            "endpoint": TenantWebhook.objects.filter(tenant=self.tenant),
        }
        errors = {}
        for name, queryset in lookups.items():
            if name in data:
                found = queryset.filter(pk=data[name]).first() if data[name] else None
                if data[name] and found is None:
                    errors[name] = [f"{name.title()} {data[name]} is not one of yours."]
                setattr(current, name, found)
        if "starters" in data:
            found = {u.pk: u for u in lookups["agent"].filter(pk__in=data["starters"])}
            missing = [i for i in data["starters"] if i not in found]
            if missing:
                errors["starters"] = [f"User {missing[0]} is not a member of {self.tenant}."]
            current.starters = list(found.values())
        if errors:
            raise serializers.ValidationError(errors)
        route = services.number_route_save(
            tenant=self.tenant, number=number, data=current, actor=request.user
        )
        return Response(rule_json(number, route))

    @extend_schema(parameters=[NUMBER], request=RuleSerializer, responses={200: RuleSerializer})
    def partial_update(self, request, tenant_slug=None, number=None):
        return self.update(request, tenant_slug=tenant_slug, number=number, partial=True)
