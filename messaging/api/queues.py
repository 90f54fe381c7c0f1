"""Message queues in the API: list and detail (every member), create, update and delete
(tenant admins), through the same service as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from tenants.api.base import TenantViewSet

from ..filters.routing import QueueFilter
from ..models import MessageQueue
from ..services import routing as services


class QueueSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MessageQueue
        fields = ["id", "name", "members", "pickup", "created_at"]
        read_only_fields = fields


class QueueWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=500, required=False, default=list
    )
    pickup = serializers.ChoiceField(
        choices=MessageQueue.Pickup.choices, required=False, default=MessageQueue.Pickup.MANUAL
    )

    def validate_members(self, ids):
        tenant = self.context["tenant"]
        found = {u.pk: u for u in services.members_of(tenant).filter(pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise serializers.ValidationError(f"User {missing[0]} is not a member of {tenant}.")
        return [found[i] for i in dict.fromkeys(ids)]


class QueueApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    """The tenant's message queues: groups of agents that share a number's conversations."""

    model = MessageQueue
    api_noun = ("message queue", "message queues")
    serializer_class = QueueSerializer
    filterset_class = QueueFilter

    def scoped_queryset(self):
        return MessageQueue.objects.filter(tenant=self.tenant).prefetch_related("members")

    def get_object(self):
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def _save(self, request, queue=None, partial=False):
        body = QueueWriteSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        saved = services.queue_save(
            tenant=self.tenant,
            name=data.get("name", queue.name if queue else ""),
            members=data["members"] if "members" in data else list(queue.members.all()),
            pickup=data.get("pickup", queue.pickup if queue else MessageQueue.Pickup.MANUAL),
            queue=queue,
            actor=request.user,
        )
        return QueueSerializer(saved).data

    @extend_schema(request=QueueWriteSerializer, responses={201: QueueSerializer})
    def create(self, request, tenant_slug=None):
        return Response(self._save(request), status=status.HTTP_201_CREATED)

    @extend_schema(request=QueueWriteSerializer, responses={200: QueueSerializer})
    def update(self, request, *args, **kwargs):
        return Response(self._save(request, queue=self.get_object()))

    @extend_schema(request=QueueWriteSerializer, responses={200: QueueSerializer})
    def partial_update(self, request, *args, **kwargs):
        return Response(self._save(request, queue=self.get_object(), partial=True))

    def destroy(self, request, *args, **kwargs):
        """Refused (400, with the numbers) while a number routes to it."""
        services.queue_delete(queue=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
