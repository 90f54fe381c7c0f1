"""The channel forms (system administrators): the settings, and a test send. The rules
(bounds, one channel per Wavix account, the channel's own numbers) are the services'; the
forms bound what is typed and show the services' errors inline."""

from __future__ import annotations

from django import forms

from portal import phone
from portal.forms import Form
from portal.models import WavixAccount

from .. import allowlist
from ..models import Channel, ChannelKind
from ..services.channels import TEST_TEXT_LIMIT
from .kinds import KindForm, kind_form_class


class ChannelForm(Form):
    """The bounds of the numbers are the service's: its message names the value typed."""

    name = forms.CharField(max_length=100)
    wavix_account = forms.ModelChoiceField(
        label="Wavix account",
        queryset=WavixAccount.objects.none(),
        help_text="The channel sends with this account's API key and from its SMS-enabled "
        "numbers. A Wavix account has one channel.",
    )
    is_active = forms.BooleanField(
        label="Active", required=False, initial=True, help_text=Channel.is_active.field.help_text
    )
    rate = forms.DecimalField(
        label="Sending rate (messages per second)",
        max_digits=7,
        decimal_places=2,
        initial=1,
        help_text=Channel.rate.field.help_text,
    )
    validity_days = forms.IntegerField(
        label="Days to expire",
        max_value=2**31 - 1,
        initial=3,
        help_text="A message not sent within this many days ends expired, with the reason.",
    )
    max_segments = forms.IntegerField(
        label="Maximum segments per message",
        max_value=2**31 - 1,
        initial=10,
        help_text=Channel.max_segments.field.help_text,
    )
    media_text = forms.CharField(
        label="Accompanying text",
        max_length=160,
        required=False,
        help_text=Channel.media_text.field.help_text,
    )
    debug_log = forms.BooleanField(
        label="Debug log", required=False, help_text=Channel.debug_log.field.help_text
    )
    numbers = forms.CharField(
        label="Numbers",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "16468097065-16468097066;16468097070",
                "spellcheck": "false",
            }
        ),
        help_text="The numbers this channel sends from and receives on, in the pool syntax "
        "(ranges with “-”, separated by “;”). A number goes through one channel, and a tenant "
        "uses it only when it is in the tenant's pool.",
    )
    inbound_allowlist = forms.CharField(
        label="Inbound source addresses",
        required=False,
        max_length=allowlist.MAX_LINES * (allowlist.MAX_LINE + 1),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": allowlist.WAVIX_CALLBACK_ADDRESS,
                "spellcheck": "false",
            }
        ),
        help_text="Addresses or networks (CIDR) allowed to post inbound messages and delivery "
        f"reports, one per line; blank: any address. Wavix posts from "
        f"{allowlist.WAVIX_CALLBACK_ADDRESS}.",
    )

    def clean_inbound_allowlist(self) -> str:
        text = self.cleaned_data.get("inbound_allowlist") or ""
        try:
            allowlist.parse(text)
        except allowlist.AllowlistError as exc:
            raise forms.ValidationError(str(exc)) from None
        return text

    kind = ChannelKind.WAVIX

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.kind != ChannelKind.WAVIX:
            del self.fields["wavix_account"]
            self.fields["inbound_allowlist"].widget.attrs["placeholder"] = ""
            self.fields["inbound_allowlist"].help_text = (
                "Addresses or networks (CIDR) allowed to post inbound messages and delivery "
                "reports, one per line; blank: any address."
            )
        else:
            del self.fields["numbers"]
            if editing:
                del self.fields["wavix_account"]
            else:
                self.fields["wavix_account"].queryset = WavixAccount.objects.filter(
                    messaging_channel__isnull=True
                ).order_by("-is_default", "name")
        if isinstance(self, KindForm):
            self.prepare_secrets(editing=editing)

    def settings(self) -> dict:
        """The settings every channel has (the service's SETTINGS)."""
        own = set(self.kind_field_names()) if isinstance(self, KindForm) else set()
        data = {k: v for k, v in self.cleaned_data.items() if k not in own}
        data.pop("wavix_account", None)
        data.pop("numbers", None)
        data["media_text"] = data["media_text"].strip()
        return data


def channel_form_for(kind: str) -> type[ChannelForm]:
    """The channel form of a kind: the settings every channel has, then the kind's own."""
    extra = kind_form_class(kind)
    if extra is None:
        return ChannelForm
    order = [*ChannelForm.base_fields, *extra.base_fields]
    attrs = {"kind": kind, "field_order": order, "kind_fields": tuple(extra.base_fields)}
    return type(f"{extra.__name__}Channel", (ChannelForm, extra), attrs)


class TestSendForm(Form):
    sender = forms.ChoiceField(label="From", help_text="One of the channel's SMS-enabled numbers.")
    recipient = forms.CharField(
        label="To",
        max_length=phone.MAX_TYPED,
        help_text="With its country code, e.g. +1 312 555 0150.",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEST_TEXT_LIMIT,
        initial="Test message from the portal.",
    )

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].choices = [(str(n), phone.display(n)) for n in numbers]
