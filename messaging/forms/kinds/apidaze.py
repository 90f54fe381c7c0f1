"""The Apidaze channel's settings: the API address, and the key and secret from Apidaze's
console (both secrets: kept encrypted, never shown again). The provider checks them
(`ApidazeProvider.clean_settings`)."""

from __future__ import annotations

from django import forms

from ...providers.apidaze import DEFAULT_BASE_URL, MAX_BASE_URL, SECRET_LIMIT
from . import KindForm, kind_form


@kind_form
class ApidazeForm(KindForm):
    kind = "apidaze"

    base_url = forms.CharField(
        label="API address",
        max_length=MAX_BASE_URL,
        initial=DEFAULT_BASE_URL,
        help_text=f"Apidaze's REST API, {DEFAULT_BASE_URL} unless Apidaze gave you another.",
    )
    api_key = forms.CharField(
        label="API key",
        max_length=100,
        help_text="The application's API key in Apidaze's console.",
    )
    api_secret = forms.CharField(
        label="API secret",
        max_length=SECRET_LIMIT,
        help_text="The application's secret, beside its key.",
    )
