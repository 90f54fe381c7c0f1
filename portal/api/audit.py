"""The audit log over the API: all of it for system administrators. A tenant's, for its
admins, is the tenants app's (tenants/api/views.py), on the same serializer and mixin."""

from rest_framework import mixins, serializers

from portal.api.views import PlatformViewSet
from portal.filters import AuditEntryFilter
from portal.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "tenant",
            "actor_label",
            "source",
            "request_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "changes",
            "message",
        ]
        read_only_fields = fields

    def get_object_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class AuditViewSetMixin(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = AuditEntry
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    ordering_fields = ["timestamp"]

    def scoped_queryset(self):
        return AuditEntry.objects.for_list()


class PlatformAuditViewSet(AuditViewSetMixin, PlatformViewSet):
    """Every change on the platform."""
