"""The sender ID forms: a new number or name with its countries, and the countries of one.
The service validates (messaging/services/senders.py); the forms only offer the choices."""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ..models import MonthlyVolume, SenderKind, SenderUsecase
from ..services.senders import MAX_COUNTRIES, country_choices


class CountriesField(forms.MultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 12})
    default_error_messages = {
        "invalid_choice": "“%(value)s” is not a country of the list (ISO codes such as GB).",
    }

    def clean(self, value):
        if value and len(value) > MAX_COUNTRIES:
            raise forms.ValidationError(
                f"{len(value)} countries chosen: at most {MAX_COUNTRIES}.", code="max"
            )
        return super().clean(value)


class SenderIdForm(Form):
    number = forms.ChoiceField(
        label="Number",
        help_text="Only your SMS-enabled numbers held on Wavix can be sender IDs.",
    )
    name = forms.CharField(
        label="Sender name",
        max_length=40,
        help_text="1 to 11 ASCII letters, digits and spaces, with at least one letter, e.g. "
        "“Acme”. Recipients cannot reply to a name.",
    )
    countries = CountriesField(
        label="Destination countries",
        help_text="Where you will send from it. Some countries need paperwork first: the page "
        "says which, and what to do.",
    )
    usecase = forms.ChoiceField(label="Use", choices=SenderUsecase.choices)
    monthly_volume = forms.ChoiceField(label="Messages a month", choices=MonthlyVolume.choices)
    samples = forms.CharField(
        label="Sample messages",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to 5, one per line: what you will send (Wavix reviews them).",
    )

    def __init__(self, *args, kind: str, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["countries"].choices = country_choices(kind)
        if kind == SenderKind.NUMERIC:
            del self.fields["name"]
            self.fields["number"].choices = [(str(d.number), f"+{d.number}") for d in numbers]
            self.fields["number"].error_messages["invalid_choice"] = (
                "“%(value)s” is not one of your SMS-enabled numbers that can be a sender ID: "
                "choose one of the list."
            )
        else:
            del self.fields["number"]
            self.fields["countries"].error_messages["invalid_choice"] = (
                "“%(value)s” cannot be chosen: a name cannot send to the United States or "
                "Canada (carriers there accept only numbers), and only countries of the list "
                "can be."
            )
            self.fields["countries"].help_text += (
                " Names cannot send to the United States or Canada: carriers there accept only "
                "numbers."
            )

    def value(self) -> str:
        return self.cleaned_data["number" if self.kind == SenderKind.NUMERIC else "name"]


class SenderCountriesForm(Form):
    countries = CountriesField(label="Destination countries")

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_choices(kind)
