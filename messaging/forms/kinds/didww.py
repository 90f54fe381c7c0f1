"""The DIDWW channel's settings: the HTTP OUT trunk's API host and its credentials (both kept
encrypted). DidwwProvider.clean_settings checks them."""

from __future__ import annotations

from django import forms

from ...providers.didww import DEFAULT_BASE_URL, REGIONAL_BASE_URLS
from . import KindForm, kind_form


@kind_form
class DidwwForm(KindForm):
    kind = "didww"

    base_url = forms.CharField(
        label="API host",
        max_length=200,
        required=False,
        initial=DEFAULT_BASE_URL,
        help_text=f"DIDWW's Outbound SMS API: {DEFAULT_BASE_URL} (global), or a regional one "
        f"for lower latency: {' or '.join(REGIONAL_BASE_URLS)}.",
    )
    username = forms.CharField(
        label="HTTP OUT trunk username",
        max_length=100,
        help_text="On DIDWW: SMS › SMS Trunks, your HTTP OUT trunk, the key icon.",
    )
    password = forms.CharField(
        label="HTTP OUT trunk password",
        max_length=200,
        strip=False,
        help_text="Shown with the username.",
    )
