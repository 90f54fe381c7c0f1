"""The message log's filters: date range, status, direction, sender, recipient, channel and
(system administrators) tenant."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q

from portal.filters import FilterForm
from portal.phone import search_digits
from tenants.models import Tenant

from ..models import Channel, Message

FIRST_DAY = date(2000, 1, 1)
MAX_TEXT = 40  # characters of a sender or recipient filter, checked before use


def _day(lookup_expr: str, label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name="created_at",
        lookup_expr=lookup_expr,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(
                FIRST_DAY,
                message="%(show_value)s is before %(limit_value)s: no message is that old.",
            )
        ],
    )


def _text(label: str, method: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=label,
        method=method,
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"placeholder": "Number or name"}),
    )


class MessageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=100)
    since = _day("date__gte", "From")
    until = _day("date__lte", "To")
    status = django_filters.ChoiceFilter(choices=Message.Status.choices, empty_label="Any status")
    direction = django_filters.ChoiceFilter(choices=Message.Direction.choices, empty_label="Any")
    sender = _text("Sender", "filter_sender")
    recipient = _text("Recipient", "filter_recipient")
    channel = django_filters.ModelChoiceFilter(
        queryset=Channel.objects.all(), empty_label="Any channel"
    )
    tenant = django_filters.ModelChoiceFilter(
        queryset=Tenant.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Any tenant",
    )

    class Meta:
        model = Message
        fields = ["q", "since", "until", "status", "direction", "sender", "recipient", "channel"]
        form = FilterForm

    def __init__(self, *args, platform: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not platform:
            # A tenant's log is its own: no tenant filter, and only its channels.
            del self.filters["tenant"]
            self.filters["channel"].queryset = Channel.objects.filter(
                pk__in=Message.objects.order_by().values("channel_id").distinct()
            )

    def search(self, queryset, name, value: str):
        """A number as typed (either end of the message), or words of the text."""
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(Q(sender__contains=digits) | Q(recipient__contains=digits))
        return queryset.filter(
            Q(text__icontains=value.strip()) | Q(sender__icontains=value.strip())
        )

    @staticmethod
    def _number_or_text(field: str, queryset, value: str):
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(**{f"{field}__contains": digits})
        return queryset.filter(**{f"{field}__icontains": value.strip()})

    def filter_sender(self, queryset, name, value: str):
        return self._number_or_text("sender", queryset, value)

    def filter_recipient(self, queryset, name, value: str):
        return self._number_or_text("recipient", queryset, value)
