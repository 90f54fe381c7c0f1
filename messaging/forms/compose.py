"""The compose page's form: the tenant's sender ID, the recipient as people type it, the
text, and for an MMS web addresses or uploaded files. The form only shapes the input; every
rule is the send service's (messaging/services/sending.py), so the API and the page refuse
alike."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..models import SenderId

MAX_MEDIA_LINES = 20  # more lines than any MMS carries: refused before each is checked


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ComposeForm(Form):
    # A select whose value is not checked against its options here: the service names an
    # unknown or foreign sender ID in its own words.
    sender_id = forms.CharField(
        label="From",
        max_length=20,
        widget=forms.Select,
        error_messages={"required": "Choose the sender ID to send from."},
    )
    recipient = forms.CharField(
        label="To",
        error_messages={"required": "Type the recipient's number."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    text = forms.CharField(
        label="Message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    media = forms.CharField(
        label="Media addresses (MMS)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://example.com/photo.jpg"}),
        help_text="One web address per line, for files the provider fetches.",
    )
    files = MultipleFileField(
        label="Files (MMS)",
        required=False,
        help_text="JPEG, PNG, GIF, MP4, MP3, PDF or vCard; at most 5 files. MMS go to US and "
        "Canadian numbers only, from a number.",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        senders = SenderId.objects.filter(tenant=tenant).order_by("kind", "value")
        self.fields["sender_id"].widget.choices = [("", "Choose a sender ID")] + [
            (str(s.pk), str(s)) for s in senders
        ]
        self.fields["recipient"].help_text = (
            f"With its country code (+44 20 7183 8750), or as dialled in "
            f"{tenant.default_country} ((646) 809-7065)."
        )
        self.fields["text"].widget.attrs["data-testid"] = "compose-text"

    def clean_media(self):
        lines = [line.strip() for line in self.cleaned_data["media"].splitlines() if line.strip()]
        if len(lines) > MAX_MEDIA_LINES:
            raise forms.ValidationError(
                f"{len(lines)} addresses are given; an MMS carries at most 5 files."
            )
        return lines
