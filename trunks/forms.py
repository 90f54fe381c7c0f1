from django import forms
from django.conf import settings as django_settings

from portal.forms import Form
from portal.models import WavixAccount

from . import speech
from .models import Cdr, SipTrunk
from .rules import widest_prefix

_TEXTAREA = {"rows": 3, "class": "font-monospace"}
# Bounds checked before anything is parsed: far above what a valid value needs (a number is
# at most 15 digits; a trunk holds at most TRUNK_MAX_ALLOWED_ADDRESSES addresses).
MAX_NUMBER_CHARS = 32
MAX_LIST_CHARS = 4096


def allowed_ips_help() -> str:
    per_network = django_settings.TRUNK_MAX_NETWORK_ADDRESSES
    v4, v6 = widest_prefix(4, per_network), widest_prefix(6, per_network)
    networks = (
        f"a network is sent as all its addresses, so it may be at most /{v4} (IPv4) or /{v6} "
        f"(IPv6), {2 ** (32 - v4)} addresses"
        if per_network > 1
        else "networks are not allowed"
    )
    return (
        "IPv4 or IPv6 addresses or networks, one per line. Wavix takes single addresses: "
        f"{networks}, and a trunk at most {django_settings.TRUNK_MAX_ALLOWED_ADDRESSES} "
        "addresses in all. With IP authentication the first is the address Wavix "
        "authenticates (one address); with digest they restrict registration."
    )


class TrunkForm(Form):
    """Every Wavix setting of a trunk. Ranges and the rules across fields are the service's,
    so a form, the API and the import share one set of messages."""

    account = forms.ModelChoiceField(
        queryset=WavixAccount.objects.order_by("-is_default", "name"),
        label="Wavix account",
        empty_label=None,
    )
    label = forms.CharField(max_length=100)
    auth_method = forms.ChoiceField(
        label="Authentication", choices=SipTrunk.AuthMethod.choices, widget=forms.RadioSelect
    )
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    allowed_ips = forms.CharField(
        required=False,
        max_length=MAX_LIST_CHARS,
        label="Allowed addresses",
        widget=forms.Textarea(attrs={**_TEXTAREA, "placeholder": "203.0.113.10\n203.0.113.16/29"}),
    )
    callerid = forms.CharField(
        required=False,
        max_length=MAX_NUMBER_CHARS,
        label="Caller ID",
        help_text="A number of the Wavix account in E.164 digits; once the trunk is shared, a "
        "number in a tenant's pool on it. Required unless caller-ID passthrough is on.",
    )
    passthrough = forms.BooleanField(
        required=False,
        label="Caller-ID passthrough (several caller IDs; Wavix approves it manually)",
    )
    didinfo_enabled = forms.BooleanField(
        required=False, initial=True, label="Send the dialled number (DID info) in the To header"
    )
    call_limit = forms.IntegerField(
        required=False,
        label="Maximum call duration (seconds)",
        help_text="Empty for no limit; Wavix allows 1 to 14400.",
    )
    max_call_cost = forms.DecimalField(
        required=False, label="Maximum call cost (USD)", help_text="Empty for no limit."
    )
    max_channels = forms.IntegerField(
        required=False,
        label="Maximum channels (concurrent calls)",
        help_text="Empty for no limit; Wavix allows 1 to 100.",
    )
    rewrite_enabled = forms.BooleanField(required=False, label="Rewrite dialled numbers")
    rewrite_prefix = forms.CharField(
        required=False, max_length=16, label="Prefix to add", help_text="Digits, e.g. 1."
    )
    rewrite_cond = forms.CharField(
        required=False, max_length=2, label="Leading digits to remove", help_text="e.g. 2."
    )
    call_recording_enabled = forms.BooleanField(required=False, label="Record outbound calls")
    transcription_enabled = forms.BooleanField(required=False, label="Transcribe calls")
    transcription_threshold = forms.IntegerField(
        required=False,
        initial=6,
        label="Transcribe calls of at least (seconds)",
    )
    machine_detection_enabled = forms.BooleanField(required=False, label="Detect voicemail")
    encrypted_media = forms.BooleanField(required=False, label="Encrypted media (TLS and SRTP)")

    marked_required = ("callerid",)

    def __init__(self, *args, editing: bool = False, password_known: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["account"]
        self.fields["allowed_ips"].help_text = allowed_ips_help()
        password = self.fields["password"]
        password.help_text = (
            "At least 12 characters with upper- and lower-case letters and digits. Stored "
            "encrypted and never shown again."
        )
        if password_known:
            password.help_text += " Leave empty to keep the current password."
        else:  # digest needs one; shown only with digest (static/js/show-when.js)
            password.marked_required = True

    def settings(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("account", None)
        return data


class ShareForm(Form):
    tenant = forms.ModelChoiceField(queryset=None, empty_label=None)
    numbers = forms.CharField(
        label="DID pool on this trunk",
        widget=forms.Textarea(
            attrs={**_TEXTAREA, "placeholder": "16468097065-16468097066;16468097070-16468097080"}
        ),
        help_text="Single numbers and inclusive ranges, separated by “;”. A number belongs to "
        "one tenant only.",
    )
    max_calls = forms.IntegerField(
        label="Maximum concurrent calls", help_text="At most the trunk's channels."
    )

    def __init__(self, *args, tenants=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["tenant"]
        else:
            self.fields["tenant"].queryset = tenants


class CallerIdForm(Form):
    caller_ids = forms.CharField(
        required=False,
        max_length=MAX_LIST_CHARS,
        label="Caller IDs",
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="Numbers of yours on this trunk that your PBX presents, one per line.",
    )

    def __init__(self, *args, example: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if example:  # one of the tenant's own numbers, never someone else's
            self.fields["caller_ids"].widget.attrs["placeholder"] = f"+{example}"


class SpeechSearchForm(Form):
    """A speech search: dates, direction, and per speaker the words or phrases the call must
    contain (all), may contain (any) or must not contain, one per line."""

    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    direction = forms.ChoiceField(label="Calls", choices=Cdr.Direction.choices)

    SPEAKER_LABELS = {"agent": "Said by the agent", "client": "Said by the client"}
    SPEAKER_LABELS["any"] = "Said by anyone"
    KIND_LABELS = {"must": "All of", "match": "Any of", "exclude": "None of"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound = speech.MAX_PHRASES * (speech.MAX_PHRASE_CHARS + 2)
        for speaker in speech.SPEAKERS:
            for kind in speech.CRITERIA:
                self.fields[f"{speaker}_{kind}"] = forms.CharField(
                    label=f"{self.SPEAKER_LABELS[speaker]}: {self.KIND_LABELS[kind].lower()}",
                    required=False,
                    max_length=bound,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 2, "placeholder": "one per line"}),
                    help_text="One word or phrase per line.",
                )

    def phrase_fields(self):
        """Rows of (speaker label, [bound fields must, match, exclude])."""
        return [
            (self.SPEAKER_LABELS[s], [self[f"{s}_{k}"] for k in speech.CRITERIA])
            for s in speech.SPEAKERS
        ]

    def clean(self):
        data = super().clean()
        criteria: dict[str, dict[str, list[str]]] = {}
        for speaker in speech.SPEAKERS:
            for kind in speech.CRITERIA:
                name = f"{speaker}_{kind}"
                try:
                    found = speech.phrases(data.get(name) or "")
                except speech.PhraseError as exc:
                    shown = f" (“{exc.value[:40]}”)" if exc.value else ""
                    self.add_error(name, f"{self.fields[name].label}{shown}: {exc.rule}.")
                    continue
                if found:
                    criteria.setdefault(speaker, {})[kind] = found
        if not criteria and not self.errors:
            raise forms.ValidationError(
                "Give at least one word or phrase to look for: every box (all of, any of, "
                "none of) is empty."
            )
        data["criteria"] = criteria
        return data


# Voice campaigns -------------------------------------------------------------------------------

FLOW_ID_HELP = (
    "The flow's number on Wavix. To find it: open https://app.wavix.com/calling/flows, "
    "double-click the approved call flow, and read the browser's address: it ends in "
    "/calling/flows/view/{ID}, and {ID} is the number to enter here. Wavix must have "
    "approved the flow before campaigns can use it."
)


class CallFlowForm(Form):
    account = forms.ModelChoiceField(
        queryset=WavixAccount.objects.order_by("-is_default", "name"), label="Wavix account"
    )
    wavix_id = forms.IntegerField(
        label="Flow id on Wavix", min_value=1, max_value=2_147_483_647, help_text=FLOW_ID_HELP
    )
    label = forms.CharField(max_length=100)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tenants = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Allowed tenants",
        widget=forms.CheckboxSelectMultiple,
        help_text="Only these tenants can start campaigns of this flow.",
    )
    is_active = forms.BooleanField(
        label="Active", required=False, initial=True, help_text="Inactive flows start no campaign."
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        from tenants.models import Tenant

        super().__init__(*args, **kwargs)
        self.fields["tenants"].queryset = Tenant.objects.order_by("name")
        if editing:
            del self.fields["account"]  # its campaigns ran on that account


MAX_CONTACT_LIST = 1_000_000


class CampaignForm(Form):
    """A campaign: the flow (those the tenant may run), the caller ID (one of its active
    numbers, typed or picked), the rate, and one contact or a CSV list."""

    name = forms.CharField(max_length=100)
    flow = forms.ModelChoiceField(queryset=None, label="Call flow", empty_label=None)
    caller_id = forms.CharField(
        label="Caller ID",
        max_length=MAX_NUMBER_CHARS,
        widget=forms.TextInput(attrs={"list": "caller-ids"}),
        help_text="One of your active numbers, with its country code, e.g. +1 646 809 7065.",
    )
    rate = forms.IntegerField(
        label="Calls per minute",
        min_value=1,
        max_value=60,
        initial=10,
        help_text="Calls are placed at most this fast (1 to 60 a minute).",
    )
    contact = forms.CharField(
        label="One contact",
        required=False,
        max_length=MAX_NUMBER_CHARS,
        help_text="A single number to call, with its country code.",
    )
    file = forms.FileField(
        label="Or a contact list (CSV)",
        required=False,
        help_text="One number per row, optionally a name after it; a header row (number, name) "
        "is optional. At most 1 MB and 10,000 rows. A number given twice is called once.",
    )

    def __init__(self, *args, flows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flow"].queryset = flows

    def clean(self):
        data = super().clean()
        if not data.get("contact") and not data.get("file"):
            raise forms.ValidationError("Give one contact or upload a contact list.")
        if data.get("contact") and data.get("file"):
            raise forms.ValidationError("Give one contact or a contact list, not both.")
        return data

    def content(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_CONTACT_LIST:
            return b"x" * (MAX_CONTACT_LIST + 1)  # refused by the reader, naming the size
        return upload.read(MAX_CONTACT_LIST + 1)
