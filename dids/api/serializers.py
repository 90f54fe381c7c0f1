from rest_framework import serializers

from dids.models import Did, DidPool, NumberRange, SyncRun


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
    pool = serializers.IntegerField(required=False, help_text="The pool being edited, if any.")


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
    label = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    held = serializers.SerializerMethodField()
    inventory = DidSerializer(source="did", allow_null=True)

    def get_label(self, row) -> str:
        return row.note.label if row.note else ""

    def get_description(self, row) -> str:
        return row.note.description if row.note else ""

    def get_held(self, row) -> bool:
        return row.did is not None and row.did.status != Did.Status.RELEASED


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
        required=False, help_text="Wavix account id; the default if omitted."
    )
