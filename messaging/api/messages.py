"""Messages in the API: a tenant sends (with an `Idempotency-Key` header, the same key and
body give the first answer again, never a second message), lists and reads its messages; a
system administrator lists and reads every tenant's. Sends go through the same service as
the compose page, so the same rules and messages apply."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from portal.api.views import PlatformViewSet
from tenants.api.base import TenantViewSet

from ..filters.messages import MessageFilter
from ..message_log import message_queryset
from ..models import Message, MessageEvent, MessageSource
from ..services.sending import (
    MAX_IDEMPOTENCY_KEY_CHARS,
    IdempotencyError,
    message_send,
    message_send_once,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_BODY_TEXT = 10_000  # the service names its own, lower, limit; this bounds the parsing
MAX_MEDIA_ITEMS = 20


class MessageEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageEvent
        fields = ["at", "status", "source", "reason", "detail"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    channel = serializers.SlugRelatedField(slug_field="name", read_only=True)
    sender_id = serializers.PrimaryKeyRelatedField(read_only=True)
    sender = serializers.SerializerMethodField()
    recipient = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "tenant",
            "channel",
            "direction",
            "status",
            "reason",
            "sender_id",
            "sender",
            "recipient",
            "country",
            "text",
            "media",
            "is_mms",
            "encoding",
            "segments",
            "provider_segments",
            "charge",
            "carrier_fees",
            "source",
            "tag",
            "provider_id",
            "created_at",
            "expires_at",
            "accepted_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_sender(self, message) -> str:
        return f"+{message.sender}" if message.sender.isdigit() else message.sender

    def get_recipient(self, message) -> str:
        return f"+{message.recipient}"


class MessageDetailSerializer(MessageSerializer):
    events = MessageEventSerializer(many=True, read_only=True)

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "events"]
        read_only_fields = fields


class MessageSendSerializer(serializers.Serializer):
    sender_id = serializers.CharField(
        max_length=20, help_text="The id of one of the tenant's sender IDs."
    )
    recipient = serializers.CharField(
        max_length=200,
        help_text="The number: +E.164, or as dialled in the tenant's default country.",
    )
    text = serializers.CharField(
        max_length=MAX_BODY_TEXT, allow_blank=True, required=False, trim_whitespace=False
    )
    media = serializers.ListField(
        child=serializers.CharField(max_length=4000),
        required=False,
        max_length=MAX_MEDIA_ITEMS,
        help_text="Web addresses of the files of an MMS (US and Canadian numbers only).",
    )


class MessageApiMixin:
    model = Message
    filterset_class = MessageFilter
    ordering_fields = ["created_at"]

    def scoped_queryset(self):
        queryset = message_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("events")
        return queryset

    def get_serializer_class(self):
        return MessageDetailSerializer if self.action == "retrieve" else MessageSerializer


def _body_of(request) -> dict:
    data = request.data
    if hasattr(data, "lists"):
        return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    return data if isinstance(data, dict) else {"": data}


class TenantMessageApiViewSet(
    MessageApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet
):
    """The tenant's messages. Send with `POST`: give an `Idempotency-Key` header (a UUID) so
    a retry of the same request returns the first answer instead of sending again."""

    admin_actions = {"list", "retrieve"}

    def get_filterset_kwargs(self) -> dict:
        return {"platform": False}

    @extend_schema(
        request=MessageSendSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description=f"At most {MAX_IDEMPOTENCY_KEY_CHARS} printable characters. The "
                "same key with the same body returns the first answer (header "
                "`Idempotent-Replayed: true`); with another body, a 422.",
            )
        ],
        responses={
            201: MessageSerializer,
            400: OpenApiResponse(description="Refused: `errors` names each field and why."),
            422: OpenApiResponse(description="The key was used with another body."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Send a message. It is queued and sent by the channel's outbox: follow `status`.
        With an `Idempotency-Key`, a retry of the same request answers the first answer."""
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            code, answer, _ = self._send(request)
            return Response(answer, status=code)
        try:
            code, answer, replayed = message_send_once(
                tenant=self.tenant,
                key=key,
                body=_body_of(request),
                send=lambda: self._send(request),
            )
        except IdempotencyError as exc:
            return Response(
                {"detail": exc.message, "errors": {IDEMPOTENCY_HEADER: [exc.message]}},
                status=exc.status_code,
            )
        response = Response(answer, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def _send(self, request):
        body = MessageSendSerializer(data=request.data)
        if not body.is_valid():
            return 400, {"detail": "Invalid input.", "errors": body.errors}, None
        data = body.validated_data
        try:
            message = message_send(
                tenant=self.tenant,
                sender_id=data["sender_id"],
                recipient=data["recipient"],
                text=data.get("text", ""),
                media=data.get("media", ()),
                source=MessageSource.API,
                actor=request.user,
            )
        except ValidationError as exc:
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            return 400, {"detail": "Invalid input.", "errors": errors}, None
        return 201, MessageSerializer(message).data, message


class PlatformMessageApiViewSet(
    MessageApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PlatformViewSet
):
    """Every tenant's messages (system administrators); filter by `tenant` (its id)."""

    def get_filterset_kwargs(self) -> dict:
        return {"platform": True}
