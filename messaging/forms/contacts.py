"""The contact forms: one contact by hand, and a CSV import (checked first, then applied)."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..services.contacts import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS


class ContactForm(Form):
    number = forms.CharField(
        max_length=40, help_text="As you would dial it, e.g. +1 646 809 7065 or (646) 809-7065."
    )
    name = forms.CharField(max_length=100)
    company = forms.CharField(max_length=100, required=False)
    notes = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactImportForm(Form):
    file = forms.FileField(
        required=False,
        help_text="CSV: number, name, company, notes; a header row is optional. At most "
        f"{MAX_IMPORT_BYTES // 1_000_000} MB and {MAX_IMPORT_ROWS:,} rows. A number that is "
        "already a contact is updated.",
    )
    data = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES)

    def content(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                return b"x" * (MAX_IMPORT_BYTES + 1)  # refused by the service, naming the size
            return upload.read()
        data = self.cleaned_data.get("data")
        return data.encode() if data else None
