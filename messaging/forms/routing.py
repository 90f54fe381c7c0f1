"""The routing forms: one number's rule (and the same rule on several numbers), a message
queue, a webhook endpoint. Each ends in its service, whose errors land on the fields."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..models import Destination, MessageQueue, TenantWebhook
from ..services.routing import RuleData, members_of


class RuleForm(Form):
    destination = forms.ChoiceField(
        choices=Destination.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Inbound destination",
    )
    agent = forms.ModelChoiceField(queryset=None, required=False, empty_label="Choose an agent")
    queue = forms.ModelChoiceField(
        queryset=None, required=False, label="Message queue", empty_label="Choose a queue"
    )
    endpoint = forms.ModelChoiceField(
        queryset=None, required=False, label="Webhook endpoint", empty_label="Choose an endpoint"
    )
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        label="E-mail addresses",
        help_text="One per line, at most 10.",
    )
    # Not required: hidden (and so not sent) unless the destination is e-mail.
    email_digest_minutes = forms.IntegerField(
        min_value=0,
        max_value=1440,
        initial=0,
        required=False,
        label="Digest every (minutes)",
        help_text="0: one e-mail per message; otherwise one e-mail per conversation with the "
        "messages of this many minutes.",
    )
    starters = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who may start conversations from this number",
    )
    stickiness_hours = forms.IntegerField(
        min_value=0,
        max_value=720,
        initial=24,
        label="Session stickiness (hours)",
        help_text="A conversation an agent started stays with that agent this long (0: off).",
    )
    auto_close_days = forms.IntegerField(
        min_value=0,
        max_value=365,
        initial=7,
        label="Close after (days without a message)",
        help_text="0: never.",
    )
    reformat = forms.BooleanField(
        required=False,
        initial=True,
        label="Reformat numbers",
        help_text="Write the other party's number in E.164 with your default country, so "
        "+16468097065, 16468097065 and (646) 809-7065 are one conversation.",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        members = members_of(tenant)
        self.fields["agent"].queryset = members
        self.fields["starters"].queryset = members
        self.fields["queue"].queryset = MessageQueue.objects.filter(tenant=tenant)
        self.fields["endpoint"].queryset = TenantWebhook.objects.filter(tenant=tenant)
        for name in ("agent", "queue", "endpoint"):
            self.fields[name].error_messages["invalid_choice"] = (
                "That choice is not one of yours: choose one from the list."
            )

    def rule(self) -> RuleData:
        data = self.cleaned_data
        return RuleData(
            destination=data.get("destination") or "",
            agent=data.get("agent"),
            queue=data.get("queue"),
            endpoint=data.get("endpoint"),
            emails=data.get("emails") or "",
            email_digest_minutes=data.get("email_digest_minutes") or 0,
            starters=list(data.get("starters") or []),
            stickiness_hours=data.get("stickiness_hours") or 0,
            auto_close_days=data.get("auto_close_days") or 0,
            reformat=bool(data.get("reformat")),
        )


class QueueForm(Form):
    name = forms.CharField(max_length=100)
    members = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every member sees the queue's new conversations.",
    )
    pickup = forms.ChoiceField(
        choices=MessageQueue.Pickup.choices,
        widget=forms.RadioSelect,
        initial=MessageQueue.Pickup.MANUAL,
        label="Who owns a conversation",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members_of(tenant)
        self.fields["members"].error_messages["invalid_choice"] = (
            "“%(value)s” is not a member of your organisation."
        )


class WebhookForm(Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where the events are POSTed: an https:// address on the internet.",
    )
    send_inbound = forms.BooleanField(
        required=False,
        initial=True,
        label="Inbound messages",
        help_text="Of the numbers whose destination is this endpoint.",
    )
    send_status = forms.BooleanField(
        required=False,
        initial=True,
        label="Delivery statuses",
        help_text="Of every message you send.",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")


class BulkRuleForm(RuleForm):
    """The same fields; the numbers ticked in the list travel as `numbers` beside them."""
