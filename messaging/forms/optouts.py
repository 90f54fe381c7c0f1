"""The opt-out forms: one added by hand, and a CSV import (checked first, then applied)."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..services.optouts import MAX_IMPORT_BYTES


class OptOutForm(Form):
    recipient = forms.CharField(
        max_length=40,
        help_text="The phone number that asked not to be messaged, e.g. +44 7700 900123.",
    )
    sender = forms.ChoiceField(
        required=False,
        label="From",
        help_text="One of your sender IDs, or all of them.",
    )
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, senders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].choices = [("", "All senders")] + [(s.value, str(s)) for s in senders]
        self.fields["sender"].error_messages["invalid_choice"] = (
            "“%(value)s” is not one of your sender IDs: choose one, or all senders."
        )


class OptOutImportForm(Form):
    file = forms.FileField(
        required=False,
        help_text="CSV: recipient, sender (empty for all senders), note; a header row is "
        f"optional. At most {MAX_IMPORT_BYTES // 1_000_000} MB and 5,000 rows.",
    )
    # The checked file's text, sent back to apply exactly what the dry run showed.
    data = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES)

    def content(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                return b"x" * (MAX_IMPORT_BYTES + 1)  # refused by the service, naming the size
            return upload.read()
        data = self.cleaned_data.get("data")
        return data.encode() if data else None
