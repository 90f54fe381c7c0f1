"""The statistics' period: today, the last 7 or 30 days, or custom dates (at most a year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone

from portal.forms import FilterFormMixin

from ..models import Channel

FIRST_DAY = date(2000, 1, 1)
MAX_DAYS = 366
DEFAULT_PERIOD = "week"
PERIODS = [
    ("day", "Today"),
    ("week", "Last 7 days"),
    ("month", "Last 30 days"),
    ("custom", "Custom dates"),
]
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def named_period(name: str, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=PERIOD_DAYS[name] - 1), today)


def _day(value: date) -> str:
    return value.isoformat()


class StatsPeriodForm(FilterFormMixin, forms.Form):
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ModelChoiceField(
        label="Channel", queryset=Channel.objects.none(), required=False, empty_label="All"
    )

    def __init__(self, *args, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if channels is None:
            del self.fields["channel"]
        else:
            self.fields["channel"].queryset = channels
        if not self.is_bound:
            self.initial.setdefault("period", DEFAULT_PERIOD)

    @property
    def is_custom(self) -> bool:
        value = self["period"].value() or DEFAULT_PERIOD
        return value == "custom"

    def clean_since(self):
        since = self.cleaned_data.get("since")
        if since and since < FIRST_DAY:
            raise forms.ValidationError(
                f"{_day(since)} is before {_day(FIRST_DAY)}: no message is that old."
            )
        return since

    def clean_until(self):
        until = self.cleaned_data.get("until")
        today = timezone.localdate()
        if until and until > today:
            raise forms.ValidationError(
                f"{_day(until)} is after today ({_day(today)}): there are no figures for days "
                "to come."
            )
        return until

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom" or self.errors:
            return data
        # A day still to be chosen is no error (the page asks for it): the other was just
        # picked, and the figures follow as soon as both are there.
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error(
                "until",
                f"{_day(until)} is before the first day, {_day(since)}: the period must end "
                "on or after the day it starts.",
            )
        elif since and until and (until - since).days + 1 > MAX_DAYS:
            days = (until - since).days + 1
            self.add_error(
                "since", f"The period is {days} days long: it may be at most {MAX_DAYS} days."
            )
        return data

    def chosen_period(self) -> Period | None:
        """The period asked for, the default when the form is not filled in; None when it is
        wrong or custom dates are still to be chosen (no figures then)."""
        if not self.is_bound:
            return named_period(DEFAULT_PERIOD)
        if not self.is_valid():
            return None
        name = self.cleaned_data.get("period") or DEFAULT_PERIOD
        if name != "custom":
            return named_period(name)
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since is None or until is None:
            return None
        return Period(since, until)

    @property
    def days_to_choose(self) -> str:
        """What the page asks for while custom dates are incomplete."""
        if not self.is_bound or not self.is_valid() or not self.is_custom:
            return ""
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since is None and until is None:
            return "Choose the first (From) and the last day (To) of the period."
        if since is None:
            return "Choose the first day of the period (From) too."
        if until is None:
            return "Choose the last day of the period (To) too."
        return ""

    def chosen_channel(self) -> Channel | None:
        if "channel" not in self.fields or not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("channel")
