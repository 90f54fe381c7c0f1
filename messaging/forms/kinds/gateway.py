"""The HTTP SMS gateway channel's settings form: the send request (Splynx's fields), the
custom headers (a secret), the callbacks' field names and the balance check. A preset
(`?kind=gateway&preset=bulksms`) fills the fields of a known gateway; all stay editable."""

from __future__ import annotations

from django import forms

from ... import gateway_presets
from ...providers.gateway import FIELD_DEFAULTS
from . import KindForm, kind_form


class SecretTextarea(forms.Textarea):
    """Several lines of secret: never rendered back, as a password input."""

    def format_value(self, value):
        return ""


def _text(label: str, help_text: str = "", *, required: bool = False, max_length: int = 200):
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text
    )


def _field_name(label: str, name: str, help_text: str = ""):
    field = _text(label, help_text)
    field.initial = FIELD_DEFAULTS[name]
    return field


@kind_form
class GatewayForm(KindForm):
    kind = "gateway"
    presets = gateway_presets.choices()

    url = _text(
        "Gateway URL",
        "The address messages are sent to, from the gateway's documentation.",
        required=True,
        max_length=500,
    )
    method = forms.ChoiceField(choices=[("POST", "POST"), ("GET", "GET")], initial="POST")
    content_type = forms.ChoiceField(
        label="Content type",
        choices=[("json", "JSON"), ("form", "x-www-form-urlencoded")],
        initial="json",
        help_text="JSON can be used only with POST. With GET, the form payload is the query.",
    )
    payload = forms.CharField(
        label="Payload",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="%TO% and %FROM% are the numbers in digits (write +%TO% if the gateway "
        "wants the +), %MESSAGE% the text; each is escaped for the content type.",
    )
    headers = forms.CharField(
        label="Custom headers",
        required=False,
        max_length=8000,
        help_text="For authentication, one “Name: value” per line, e.g. “Authorization: "
        "Basic ” and the base64 of “id:secret”.",
    )
    verify_tls = forms.BooleanField(
        label="Verify the TLS certificate", required=False, initial=True
    )
    success_text = _text(
        "Successful response",
        "A send is accepted when the answer (2xx) contains this text; blank: any 2xx answer.",
    )
    id_path = _text(
        "Message id in the answer",
        "A field path as “id”, “data.0.id”, “messages[0].apiMessageId”, or “re:” and a "
        "regular expression. Delivery reports name the message by it.",
    )
    dlr_id_field = _field_name("Delivery report: id field", "dlr_id_field")
    dlr_status_field = _field_name(
        "Delivery report: status field",
        "dlr_status_field",
        "Delivered/DELIVRD, failed/UNDELIV, rejected/REJECTD, expired, sent/accepted/ACK.",
    )
    inbound_from_field = _field_name("Inbound: sender field", "inbound_from_field")
    inbound_to_field = _field_name("Inbound: recipient field", "inbound_to_field")
    inbound_text_field = _field_name(
        "Inbound: text field", "inbound_text_field", "“message” is read too when it is absent."
    )
    inbound_id_field = _field_name(
        "Inbound: id field",
        "inbound_id_field",
        "Without one, an id is derived from the message itself.",
    )
    balance_url = _text("Balance check URL", "Blank: no balance check.", max_length=500)
    balance_field = _text(
        "Balance field", "A field path as “credits.balance”; blank: the first number in the answer."
    )
    balance_method = forms.ChoiceField(
        label="Balance request method", choices=[("GET", "GET"), ("POST", "POST")], initial="GET"
    )
    balance_interval = forms.ChoiceField(
        label="Check the balance once per",
        choices=[("5min", "5 minutes"), ("hour", "hour"), ("day", "day")],
        initial="hour",
    )
    balance_email = forms.CharField(
        label="Alert e-mail",
        required=False,
        max_length=254,
        help_text="Told once when the balance falls below the minimum.",
    )
    balance_dashboard = forms.BooleanField(
        label="Dashboard notification",
        required=False,
        help_text="A warning on the system administrators' dashboard while the balance is low.",
    )
    balance_minimum = forms.DecimalField(
        label="Minimum balance", required=False, max_digits=12, decimal_places=4
    )

    def prepare_secrets(self, *, editing: bool) -> None:
        super().prepare_secrets(editing=editing)
        attrs = {"rows": 2, "autocomplete": "off", "spellcheck": "false", "class": "form-control"}
        # A preset's header shape is shown as the placeholder: the value itself is typed.
        shape = self.initial.get("headers") or "Authorization: Basic …"
        self.fields["headers"].widget = SecretTextarea(attrs={**attrs, "placeholder": shape})

    @classmethod
    def initial_from_query(cls, query) -> dict:
        """A new channel's fields filled from the preset asked for (`?preset=`)."""
        return gateway_presets.preset(query.get("preset", "")) or {}
