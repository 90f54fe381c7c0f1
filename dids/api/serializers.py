from rest_framework import serializers

from dids.models import (
    Did,
    DidPool,
    DocumentUpload,
    E911Address,
    E911Drift,
    E911Job,
    E911ReconcileRun,
    NumberDocument,
    NumberRange,
    SyncRun,
    ValidationJob,
    ValidationResult,
)
from dids.validation import MAX_NUMBERS
from portal import phone
from portal.params import BIGINT_MAX


class DidPoolSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = DidPool
        fields = ["id", "tenant", "name", "spec", "size", "created_at", "updated_at"]
        read_only_fields = fields


class PoolWriteSerializer(serializers.Serializer):
    tenant = serializers.SlugField(help_text="The tenant's slug (creation only).", required=False)
    name = serializers.CharField(max_length=100, required=False, default="Direct")
    numbers = serializers.CharField(
        help_text="The pool in range syntax, e.g. 16468097065-16468097066;16468097070."
    )


class PoolPreviewSerializer(PoolWriteSerializer):
    pool = serializers.IntegerField(
        required=False, min_value=1, max_value=BIGINT_MAX, help_text="The pool being edited."
    )


class PoolPreviewResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    size = serializers.IntegerField()
    added = serializers.CharField()
    removed = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())


class DidSerializer(serializers.ModelSerializer):
    class Meta:
        model = Did
        fields = [
            "number",
            "country",
            "city",
            "number_type",
            "status",
            "required_docs",
            "sms_enabled",
            "monthly_fee",
            "e911_registered",
        ]


class NumberSerializer(serializers.Serializer):
    number = serializers.CharField(source="e164")
    label = serializers.SerializerMethodField(help_text="The tenant's own label.")
    wavix_label = serializers.CharField(
        read_only=True, help_text="The number's label on Wavix, set by the provider."
    )
    number_type = serializers.CharField(
        read_only=True,
        help_text="Wavix's type of the number, or else its numbering plan's (Geographic, "
        "Mobile, Toll-free...).",
    )
    description = serializers.SerializerMethodField()
    held = serializers.SerializerMethodField()
    inventory = DidSerializer(source="did", allow_null=True)
    e911 = serializers.SerializerMethodField()

    def get_label(self, row) -> str:
        return row.note.label if row.note else ""

    def get_description(self, row) -> str:
        return row.note.description if row.note else ""

    def get_held(self, row) -> bool:
        return row.did is not None and row.did.status != Did.Status.RELEASED

    def get_e911(self, row) -> dict | None:
        """The emergency address ("status": "provisioned" once on Wavix), if any."""
        if row.e911 is None:
            return None
        a = row.e911
        return {"status": a.status, "address": a.wavix_address(), "one_line": a.one_line}


class NoteSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    description = serializers.CharField(allow_blank=True, required=False, default="")


class RangeUsageSerializer(serializers.ModelSerializer):
    pool = serializers.CharField(source="pool.name")
    range = serializers.CharField(source="__str__")
    size = serializers.IntegerField()
    held = serializers.IntegerField()
    active = serializers.IntegerField()
    sms_enabled = serializers.IntegerField()
    e911 = serializers.IntegerField()
    free = serializers.IntegerField()

    class Meta:
        model = NumberRange
        fields = [
            "pool",
            "range",
            "start",
            "end",
            "size",
            "held",
            "active",
            "sms_enabled",
            "e911",
            "free",
        ]


class InventorySerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.name", allow_null=True)
    tenant = serializers.CharField(source="owner_slug", allow_null=True)

    class Meta:
        model = Did
        fields = [
            "number",
            "account",
            "wavix_id",
            "country",
            "city",
            "number_type",
            "status",
            "required_docs",
            "sms_enabled",
            "monthly_fee",
            "destination",
            "label",
            "paid_until",
            "released_at",
            "e911_registered",
            "tenant",
            "updated_at",
        ]
        read_only_fields = fields


class SyncRunSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.name")

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "account",
            "status",
            "trigger",
            "queued_at",
            "started_at",
            "finished_at",
            "pages_done",
            "pages_total",
            "requests_made",
            "created",
            "updated",
            "unchanged",
            "released",
            "error",
            "percent",
        ]
        read_only_fields = fields


class SyncStartSerializer(serializers.Serializer):
    account = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="Wavix account id; the default if omitted.",
    )


# E911 ---------------------------------------------------------------------------------------


class E911AddressFieldsSerializer(serializers.Serializer):
    """Wavix's `address` object."""

    street_number = serializers.CharField(allow_blank=True, required=False, default="")
    street = serializers.CharField(allow_blank=True, required=False, default="")
    location = serializers.CharField(allow_blank=True, required=False, default="")
    city = serializers.CharField(allow_blank=True, required=False, default="")
    state = serializers.CharField(allow_blank=True, required=False, default="")
    zip_code = serializers.CharField(allow_blank=True, required=False, default="")
    zip_plus_four = serializers.CharField(allow_blank=True, required=False, default="")


class ErrorDetailForSystemAdmins:
    """`error` is the plain sentence every reader gets; system administrators also get
    `error_detail`, the technical detail (Wavix's operation, status and message)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and getattr(request.user, "is_system_admin", False):
            data["error_detail"] = instance.error_detail
        return data


class E911AddressSerializer(ErrorDetailForSystemAdmins, serializers.ModelSerializer):
    number = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    one_line = serializers.CharField(read_only=True)

    class Meta:
        model = E911Address
        fields = [
            "number",
            "name",
            "address",
            "one_line",
            "status",
            "error",
            "job",
            "validated_at",
            "provisioned_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_number(self, obj) -> str:
        return f"+{obj.number}"

    def get_address(self, obj) -> dict:
        return obj.wavix_address()


class E911ValidateSerializer(serializers.Serializer):
    numbers = serializers.ListField(
        child=serializers.CharField(), help_text="E.164 numbers of the tenant, e.g. +16468097065."
    )
    name = serializers.CharField(allow_blank=True, required=False, default="")
    address = E911AddressFieldsSerializer()


class E911OutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["full_match", "corrected", "candidates", "no_match"])
    message = serializers.CharField(source="text")
    submitted = serializers.DictField()
    suggested = serializers.DictField(help_text="Wavix's address (full match or corrected).")
    changed = serializers.ListField(child=serializers.CharField())
    candidates = serializers.ListField(child=serializers.DictField())
    validation = serializers.CharField(
        source="token",
        help_text="Pass it to POST e911/ to set the suggested address; empty if it cannot be set.",
    )


class E911SetSerializer(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.CharField())
    validation = serializers.CharField(help_text="The `validation` of a validate answer.")


class E911JobSerializer(ErrorDetailForSystemAdmins, serializers.ModelSerializer):
    """A job. While `status` is "retrying", Wavix failed transiently: `attempt` (of
    `max_attempts`) is due at `retry_at`, and `error` says what failed, in plain words
    (`error_detail`, for system administrators only, has the technical detail)."""

    requested_by = serializers.CharField(source="requested_by.email", allow_null=True)
    max_attempts = serializers.IntegerField(read_only=True)

    class Meta:
        model = E911Job
        fields = [
            "id",
            "kind",
            "status",
            "numbers",
            "total",
            "done",
            "failed",
            "percent",
            "error",
            "attempt",
            "max_attempts",
            "retry_at",
            "requested_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class E911DriftSerializer(serializers.ModelSerializer):
    number = serializers.SerializerMethodField()
    account = serializers.CharField(source="account.name")
    tenant = serializers.CharField(source="tenant.slug", allow_null=True)

    class Meta:
        model = E911Drift
        fields = [
            "number",
            "kind",
            "account",
            "tenant",
            "portal_address",
            "wavix_address",
            "found_at",
        ]
        read_only_fields = fields

    def get_number(self, obj) -> str:
        return f"+{obj.number}"


class E911ReconcileRunSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.name")

    class Meta:
        model = E911ReconcileRun
        fields = ["id", "account", "status", "trigger", "queued_at", "finished_at", "records"]
        fields += ["drift", "error"]
        read_only_fields = fields


# The number validator ---------------------------------------------------------------------


class ValidationResultSerializer(serializers.ModelSerializer):
    """One number's result; which fields are filled depends on the job's type (Wavix's
    table: format < analysis < validation). Booleans are null when not returned."""

    number = serializers.SerializerMethodField()

    class Meta:
        model = ValidationResult
        fields = [
            "number",
            "valid",
            "number_type",
            "carrier",
            "ported",
            "reachable",
            "roaming",
            "risky",
            "unallocated",
            "timezone",
            "country",
            "national_format",
            "e164_format",
            "mcc",
            "mnc",
            "cost",
            "error_code",
            "validated_at",
        ]

    def get_number(self, obj) -> str:
        return f"+{obj.number}"


class ValidationJobSerializer(ErrorDetailForSystemAdmins, serializers.ModelSerializer):
    """A validation job: `validated` of `total` so far (an asynchronous one fills up as Wavix
    answers the polls), `estimated_cost` (total × the price shown) and `total_cost` (what Wavix
    charged). `error` says why it failed, in plain words."""

    created_by = serializers.CharField(source="created_by.email", allow_null=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ValidationJob
        fields = [
            "id",
            "type",
            "single",
            "status",
            "total",
            "validated",
            "invalid",
            "percent",
            "run_async",
            "polls",
            "price",
            "estimated_cost",
            "total_cost",
            "error",
            "note",
            "created_by",
            "created_at",
            "finished_at",
        ]


class ValidationJobDetailSerializer(ValidationJobSerializer):
    """A job with its first results (all of a job of up to `RESULTS_SHOWN` numbers); the
    `results/` action pages through them all."""

    RESULTS_SHOWN = 100
    results = serializers.SerializerMethodField()

    class Meta(ValidationJobSerializer.Meta):
        fields = [*ValidationJobSerializer.Meta.fields, "results"]

    def get_results(self, obj) -> list[dict]:
        rows = obj.results.order_by("number")[: self.RESULTS_SHOWN]
        return ValidationResultSerializer(rows, many=True).data


class ValidationStartSerializer(serializers.Serializer):
    """`numbers`: a list of numbers (E.164, or national in the tenant's default country), at
    most 10,000; duplicates are collapsed; every entry must be a number."""

    type = serializers.ChoiceField(choices=ValidationJob.Type.choices)
    numbers = serializers.ListField(
        child=serializers.CharField(max_length=phone.MAX_TYPED, allow_blank=True),
        allow_empty=False,
        max_length=MAX_NUMBERS,
    )


class ValidateOneSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ValidationJob.Type.choices)
    number = serializers.CharField(max_length=phone.MAX_TYPED)


class NumberDocumentSerializer(serializers.ModelSerializer):
    """One number's document: `status` uploading, failed (the upload did not reach Wavix:
    `reason` says why), pending (under Wavix's review), approved or rejected (`reason` says
    what to do; `allow_replace` is Wavix's). `upload` is the upload job's id."""

    number = serializers.SerializerMethodField()
    doc_type_title = serializers.CharField(source="get_doc_type_display", read_only=True)
    status = serializers.ChoiceField(
        choices=NumberDocument.Status.choices, read_only=True, help_text="The document's state."
    )
    file_name = serializers.CharField(source="upload.file_name", read_only=True)

    class Meta:
        model = NumberDocument
        fields = [
            "id",
            "number",
            "doc_type",
            "doc_type_title",
            "status",
            "reason",
            "allow_replace",
            "wavix_id",
            "file_name",
            "upload",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_number(self, obj) -> str:
        return f"+{obj.did.number}"


class DocumentUploadSerializer(ErrorDetailForSystemAdmins, serializers.ModelSerializer):
    """An upload job: `status` queued, running, retrying, succeeded (Wavix has the file; it is
    no longer held) or failed (`error` in plain words), and each number's document."""

    created_by = serializers.CharField(source="created_by.email", allow_null=True, read_only=True)
    documents = NumberDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = DocumentUpload
        fields = [
            "id",
            "doc_type",
            "file_name",
            "content_type",
            "size",
            "status",
            "attempt",
            "error",
            "note",
            "wiped_at",
            "created_by",
            "created_at",
            "finished_at",
            "documents",
        ]
        read_only_fields = fields


class DocumentUploadRequestSerializer(serializers.Serializer):
    """Multipart: `numbers` the tenant's numbers the document is for (E.164, comma-separated
    or repeated; at most 100), `doc_type` 1 (proof of identity), 2 (proof of address) or 3
    (proof of business registration), `file` PNG, JPG/JPEG, TIFF, BMP or PDF up to 10 MB, not
    password-protected, a PDF without digital signatures."""

    numbers = serializers.CharField(max_length=2000)
    doc_type = serializers.ChoiceField(choices=DocumentUpload.DocType.choices)
    file = serializers.FileField(max_length=255, allow_empty_file=True)
