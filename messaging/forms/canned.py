"""The canned-reply form."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..services.canned import MAX_TEXT, MAX_TITLE


class CannedReplyForm(Form):
    title = forms.CharField(max_length=MAX_TITLE)
    text = forms.CharField(
        max_length=MAX_TEXT, strip=False, widget=forms.Textarea(attrs={"rows": 4})
    )
