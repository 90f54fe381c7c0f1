import django_filters
from rest_framework.exceptions import ValidationError

from portal.filters import FilterForm
from portal.phone import search_digits

from ..models import Conversation
from ..services.conversations import queues_of


class ConversationFilter(django_filters.FilterSet):
    """The API's conversation list: open or closed; the caller's own, their queues' waiting
    ones, or all they may see; one of our numbers or a remote party (digits, any typed form)."""

    state = django_filters.ChoiceFilter(choices=Conversation.State.choices, empty_label="Any")
    view = django_filters.ChoiceFilter(
        method="filter_view",
        empty_label="All I may see",
        choices=[("mine", "Mine"), ("queue", "Waiting in my queues"), ("all", "All I may see")],
    )
    number = django_filters.CharFilter(
        method="filter_number",
        label="Number",
        max_length=40,
        help_text="Our number or the other party's, as typed (+1 646 809 7065) or the digits.",
    )

    class Meta:
        model = Conversation
        fields = ["state", "view", "number"]
        form = FilterForm

    def __init__(self, *args, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin

    def filter_view(self, queryset, name, value):
        user = self.request.user
        if value == "mine":
            return queryset.filter(assignee=user)
        if value == "queue":
            queryset = queryset.filter(assignee__isnull=True, queue__isnull=False)
            if self.admin:
                return queryset
            return queryset.filter(queue__in=queues_of(user))
        return queryset

    def filter_number(self, queryset, name, value):
        digits = search_digits(value)
        if digits is None:
            raise ValidationError(
                {
                    "number": [
                        f"“{value[:40]}” is not a number: give digits, with or without +, "
                        "spaces or dashes."
                    ]
                }
            )
        return queryset.filter(our_number=digits) | queryset.filter(remote=digits)
