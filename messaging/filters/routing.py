import django_filters
from django import forms

from dids.models import Did
from dids.selectors import prefix_q
from portal.filters import FilterForm, SearchFilterSet
from portal.phone import search_digits

from ..models import Destination, Message, MessageQueue, WebhookDelivery

DESTINATION_CHOICES = [("none", "Not set")] + [c for c in Destination.choices if c[0]]


class NumberRuleFilter(SearchFilterSet):
    """A number's digits as typed; its destination (annotated `route_destination`)."""

    destination = django_filters.ChoiceFilter(
        choices=DESTINATION_CHOICES, empty_label="Any destination", method="filter_destination"
    )

    class Meta:
        model = Did
        fields = ["q", "destination"]
        form = FilterForm

    def search(self, queryset, name, value):
        digits = search_digits(value)
        return queryset.filter(prefix_q(digits)) if digits else queryset.none()

    def filter_destination(self, queryset, name, value):
        return queryset.filter(route_destination="" if value == "none" else value)


class QueueFilter(SearchFilterSet):
    search_fields = ("name",)

    class Meta:
        model = MessageQueue
        fields = ["q"]
        form = FilterForm


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=WebhookDelivery.Status.choices, empty_label="Any state", label="State"
    )
    event = django_filters.ChoiceFilter(
        choices=WebhookDelivery.Event.choices, empty_label="Any event"
    )

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event"]
        form = FilterForm


class UnroutedFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        label="From",
    )

    class Meta:
        model = Message
        fields = ["since"]
        form = FilterForm
