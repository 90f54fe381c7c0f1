import hashlib

from django import forms

from portal.forms import Form


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


class PoolForm(Form):
    name = forms.CharField(
        max_length=100, initial="Direct", help_text="Distinguishes a tenant's pools, e.g. “Direct”."
    )
    numbers = forms.CharField(
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "class": "font-monospace",
                "placeholder": "16468097065-16468097066;16468097070",
            }
        ),
        help_text="Single numbers and inclusive ranges in E.164 digits, separated by “;”, “,” "
        "or new lines, e.g. 16468097065-16468097066;16468097070-16468097080.",
    )
    # The fingerprint of the text last previewed: Save is only honoured for what was previewed.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def is_previewed(self) -> bool:
        return self.cleaned_data.get("previewed") == text_fingerprint(self.cleaned_data["numbers"])


class PoolImportForm(Form):
    file = forms.FileField(
        help_text="CSV with a header row: tenant (slug), pool (name), numbers. Each row sets "
        "that pool to exactly those numbers.",
    )


class NoteForm(Form):
    label = forms.CharField(max_length=100, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
