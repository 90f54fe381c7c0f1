"""The inbox's forms: a reply, a transfer, a new conversation."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..services.sending import MAX_TEXT_CHARS


class ReplyForm(Form):
    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT_CHARS,
        strip=False,
        label="Reply",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a reply…"}),
    )
    files = forms.FileField(
        required=False,
        label="Attach a file (MMS)",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*,audio/*,.pdf,.vcf"}),
    )


def _person(user) -> str:
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


class TransferForm(Form):
    to = forms.ChoiceField(label="Transfer to")

    def __init__(self, *args, users=(), queues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", "Choose an agent or a queue")] + [
            ("Agents", [(f"user:{u.pk}", _person(u)) for u in users]),
            ("Queues", [(f"queue:{q.pk}", q.name) for q in queues]),
        ]
        self.fields["to"].error_messages["invalid_choice"] = (
            "“%(value)s” is not an agent or a queue of this tenant: choose one from the list."
        )


class StartForm(Form):
    our_number = forms.ChoiceField(label="From", help_text="The number the person sees.")
    remote = forms.CharField(
        max_length=40,
        label="To",
        help_text="The person's number, e.g. +1 646 809 7065 (or as dialled in your country).",
    )
    text = forms.CharField(
        max_length=MAX_TEXT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Message",
    )

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["our_number"].choices = [("", "Choose a number")] + [
            (str(n), f"+{n}") for n in numbers
        ]
        self.fields["our_number"].error_messages["invalid_choice"] = (
            "“%(value)s” is not a number you may start conversations from."
        )
