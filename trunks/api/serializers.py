from rest_framework import serializers

from portal.params import BIGINT_MAX
from trunks import speech
from trunks.forms import MAX_NUMBER_CHARS
from trunks.models import (
    SETTINGS,
    CallFlow,
    CampaignContact,
    Cdr,
    SipTrunk,
    SpeechHit,
    SpeechSearch,
    Transcript,
    TranscriptionJob,
    TrunkAssignment,
    VoiceCampaign,
)
from trunks.rules import MAX_PASSWORD_LENGTH
from trunks.selectors import connection_of
from trunks.services.speech import LANGUAGES

INT_MAX = 2**31 - 1  # the range of the columns


class TrunkSerializer(serializers.ModelSerializer):
    """A trunk as system administrators read it: the password never, only whether the portal
    knows it."""

    account = serializers.PrimaryKeyRelatedField(read_only=True)
    password = serializers.SerializerMethodField(help_text="Always masked.")
    password_known = serializers.BooleanField(
        read_only=True,
        help_text="False for an IP trunk created without a password (it needs none), for a "
        "trunk imported from Wavix, which never returns passwords, and for one whose stored "
        "password cannot be decrypted (the portal's encryption keys changed): a digest trunk "
        "then needs a new password (`password` or `generate_password`) before "
        "anything else can be pushed.",
    )
    approvals_waiting = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SipTrunk
        fields = [
            "id",
            "account",
            *SETTINGS,
            "password",
            "password_known",
            "wavix_id",
            "sip_username",
            "wavix_status",
            "ip_approval",
            "passthrough_approved",
            "approvals_waiting",
            "sync_state",
            "sync_error",
            "synced_at",
            "delete_requested",
            "drift",
            "drift_fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_password(self, trunk) -> str:
        return "********" if trunk.password_known else ""


class TrunkWrittenSerializer(TrunkSerializer):
    """The trunk as a write left it. A password generated on request (`generate_password`)
    is in `generated_password`, in clear, this once: it is never shown again."""

    generated_password = serializers.SerializerMethodField()

    class Meta(TrunkSerializer.Meta):
        fields = [*TrunkSerializer.Meta.fields, "generated_password"]
        read_only_fields = fields

    def get_generated_password(self, trunk) -> str:
        return trunk.password if self.context.get("generated") else ""


class TrunkWriteSerializer(serializers.Serializer):
    """Shapes only; every rule (ranges, addresses, caller ID, password) is the service's."""

    account = serializers.IntegerField(
        required=False, min_value=1, max_value=BIGINT_MAX, help_text="Wavix account (creation)."
    )
    label = serializers.CharField(max_length=100, required=False)
    auth_method = serializers.ChoiceField(choices=SipTrunk.AuthMethod.choices, required=False)
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        max_length=MAX_PASSWORD_LENGTH,
        style={"input_type": "password"},
    )
    generate_password = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Set a new, strong password; the answer shows it once (`generated_password`).",
    )
    allowed_ips = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=1000,
        required=False,
        help_text="IPv4/IPv6 addresses and networks (CIDR). Wavix takes single addresses, so "
        "each network is sent as all its addresses: at most TRUNK_MAX_NETWORK_ADDRESSES per "
        "network (default 32: IPv4 /27, IPv6 /123) and TRUNK_MAX_ALLOWED_ADDRESSES per trunk "
        "(default 64). With IP authentication the first is one address, the one Wavix "
        "authenticates.",
    )
    callerid = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=MAX_NUMBER_CHARS
    )
    passthrough = serializers.BooleanField(required=False)
    didinfo_enabled = serializers.BooleanField(required=False)
    call_limit = serializers.IntegerField(required=False, allow_null=True)
    max_call_cost = serializers.DecimalField(
        max_digits=12, decimal_places=4, required=False, allow_null=True
    )
    max_channels = serializers.IntegerField(required=False, allow_null=True)
    rewrite_enabled = serializers.BooleanField(required=False)
    rewrite_prefix = serializers.CharField(required=False, allow_blank=True)
    rewrite_cond = serializers.CharField(required=False, allow_blank=True)
    call_recording_enabled = serializers.BooleanField(required=False)
    transcription_enabled = serializers.BooleanField(required=False)
    transcription_threshold = serializers.IntegerField(required=False)
    machine_detection_enabled = serializers.BooleanField(required=False)
    encrypted_media = serializers.BooleanField(required=False)


class ShareSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    numbers = serializers.CharField(source="pool.spec", read_only=True)
    size = serializers.IntegerField(source="pool.size", read_only=True)

    class Meta:
        model = TrunkAssignment
        fields = ["id", "trunk", "tenant", "numbers", "size", "max_calls", "caller_ids"]
        read_only_fields = fields


class ShareWriteSerializer(serializers.Serializer):
    """A change of a share: its pool and call limit (its trunk and tenant stay)."""

    numbers = serializers.CharField(help_text="The pool, e.g. 16468097065-16468097066;16468097070.")
    max_calls = serializers.IntegerField(min_value=0, max_value=INT_MAX)


class ShareCreateSerializer(ShareWriteSerializer):
    trunk = serializers.IntegerField(min_value=1, max_value=BIGINT_MAX, help_text="The trunk's id.")
    tenant = serializers.SlugField(help_text="The tenant's slug.")


class TenantTrunkSerializer(serializers.ModelSerializer):
    """A shared trunk as the tenant sees it: connection details, its pool, no secret."""

    trunk = serializers.SerializerMethodField()
    numbers = serializers.CharField(source="pool.spec", read_only=True)
    size = serializers.IntegerField(source="pool.size", read_only=True)

    class Meta:
        model = TrunkAssignment
        fields = ["id", "trunk", "numbers", "size", "max_calls", "caller_ids"]
        read_only_fields = ["id", "trunk", "numbers", "size", "max_calls"]

    def get_trunk(self, share) -> dict:
        trunk = share.trunk
        connection = connection_of(trunk=trunk)
        return {
            "id": trunk.pk,
            "label": trunk.label,
            "auth_method": trunk.auth_method,
            "status": trunk.wavix_status,
            "host": connection.host,
            "port": connection.port,
            "transport": connection.transport,
            "username": connection.username,
            # False for a digest trunk imported from Wavix, which never returns passwords:
            # the provider must set a new one before the PBX can register.
            "credentials_available": not trunk.needs_new_password,
            "allowed_ips": connection.allowed_ips,
            "passthrough": trunk.passthrough,
        }


class CallerIdsSerializer(serializers.Serializer):
    caller_ids = serializers.ListField(
        child=serializers.CharField(max_length=MAX_NUMBER_CHARS), allow_empty=True, max_length=1000
    )


class CdrSerializer(serializers.ModelSerializer):
    trunk = serializers.CharField(source="trunk.label", default=None, read_only=True)

    class Meta:
        model = Cdr
        fields = [
            "id",
            "call_id",
            "direction",
            "started_at",
            "from_number",
            "to_number",
            "disposition",
            "duration",
            "charge",
            "per_minute",
            "destination",
            "sip_trunk",
            "trunk",
            "recorded",
            "transcription",
        ]
        read_only_fields = fields


# --- recordings, transcripts and speech search -------------------------------------------------


class TurnSerializer(serializers.Serializer):
    speaker = serializers.ChoiceField(choices=["agent", "client"])
    start_ms = serializers.IntegerField()
    end_ms = serializers.IntegerField()
    text = serializers.CharField()


class TranscriptSerializer(serializers.ModelSerializer):
    turns = TurnSerializer(many=True, read_only=True)

    class Meta:
        model = Transcript
        fields = ["call", "language", "turns", "summary", "score", "charge", "transcribed_at"]
        read_only_fields = fields


class TranscriptionJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = TranscriptionJob
        fields = ["id", "call", "status", "language", "requested", "error", "created_at"]
        read_only_fields = fields


class TranscribeSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=[c for c, _ in LANGUAGES], required=False, default=""
    )
    fetch_only = serializers.BooleanField(required=False, default=False)


class PhraseListsSerializer(serializers.Serializer):
    must = serializers.ListField(child=serializers.CharField(), required=False, max_length=20)
    match = serializers.ListField(child=serializers.CharField(), required=False, max_length=20)
    exclude = serializers.ListField(child=serializers.CharField(), required=False, max_length=20)

    def validate(self, attrs):
        out = {}
        for kind, values in attrs.items():
            try:
                out[kind] = speech.phrases("\n".join(values))
            except speech.PhraseError as exc:
                shown = f" (“{exc.value[:40]}”)" if exc.value else ""
                raise serializers.ValidationError({kind: [f"{exc.rule}{shown}."]}) from None
        return out


class CriteriaSerializer(serializers.Serializer):
    agent = PhraseListsSerializer(required=False)
    client = PhraseListsSerializer(required=False)
    any = PhraseListsSerializer(required=False)


class SpeechHitSerializer(serializers.ModelSerializer):
    call = CdrSerializer(read_only=True)

    class Meta:
        model = SpeechHit
        fields = ["call", "phrases"]
        read_only_fields = fields


class SpeechSearchSerializer(serializers.ModelSerializer):
    criteria = CriteriaSerializer()

    class Meta:
        model = SpeechSearch
        fields = [
            "id",
            "date_from",
            "date_to",
            "direction",
            "criteria",
            "status",
            "pages_done",
            "pages_total",
            "hit_count",
            "error",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "pages_done",
            "pages_total",
            "hit_count",
            "error",
            "created_at",
        ]


# Voice campaigns -------------------------------------------------------------------------------


class CallFlowSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallFlow
        fields = ["id", "wavix_id", "label", "description"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    flow = CallFlowSerializer(read_only=True)
    state = serializers.CharField(read_only=True, help_text="As the portal shows it.")
    caller_id = serializers.SerializerMethodField()

    class Meta:
        model = VoiceCampaign
        fields = [
            "id",
            "name",
            "flow",
            "caller_id",
            "rate",
            "state",
            "status",
            "paused",
            "cancelled_at",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            *VoiceCampaign.COUNTERS,
        ]
        read_only_fields = fields

    def get_caller_id(self, campaign) -> str:
        return str(campaign.caller_id)


class CampaignContactInSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=MAX_NUMBER_CHARS)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    flow = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text="A call flow's id.")
    caller_id = serializers.CharField(max_length=MAX_NUMBER_CHARS)
    rate = serializers.IntegerField(
        min_value=VoiceCampaign.MIN_RATE,
        max_value=VoiceCampaign.MAX_RATE,
        help_text="Calls per minute.",
    )
    contacts = CampaignContactInSerializer(
        many=True, max_length=10_000, min_length=1, help_text="At most 10,000."
    )


class CampaignContactSerializer(serializers.ModelSerializer):
    disposition = serializers.CharField(source="cdr.disposition", default=None, read_only=True)
    duration = serializers.IntegerField(source="cdr.duration", default=None, read_only=True)
    charge = serializers.DecimalField(
        source="cdr.charge", max_digits=12, decimal_places=4, default=None, read_only=True
    )

    class Meta:
        model = CampaignContact
        fields = [
            "id",
            "number",
            "name",
            "line",
            "status",
            "reason",
            "wavix_id",
            "wavix_status",
            "placed_at",
            "finished_at",
            "cdr",
            "disposition",
            "duration",
            "charge",
        ]
        read_only_fields = fields
