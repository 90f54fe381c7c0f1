"""Conversations in the API: the list (filters: state, view mine/queue/all, number), one with
its newest messages, its messages a page at a time, and the agents' actions: reply (with an
`Idempotency-Key` header as for messages: a retry answers the first answer), assign (to a
user or a queue, or pick up), close, reopen. A token acts as its user: an agent's token sees
what the agent sees in the inbox, and another agent's conversation is a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.params import BIGINT_MAX
from tenants.api.base import TenantViewSet
from tenants.models import Membership

from ..filters.conversations import ConversationFilter
from ..models import Conversation, Message, MessageQueue
from ..services import conversation_actions as actions
from ..services import conversations as services
from ..services.sending import MAX_IDEMPOTENCY_KEY_CHARS, IdempotencyError, message_send_once
from .messages import IDEMPOTENCY_HEADER, MAX_BODY_TEXT, MessageSerializer, _body_of

NEWEST_MESSAGES = 50


class ConversationSerializer(serializers.ModelSerializer):
    our_number = serializers.SerializerMethodField()
    remote = serializers.SerializerMethodField()
    assignee = serializers.PrimaryKeyRelatedField(read_only=True)
    queue = serializers.PrimaryKeyRelatedField(read_only=True)
    started_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "our_number",
            "remote",
            "state",
            "assignee",
            "queue",
            "picked_up_at",
            "started_by",
            "sticky_until",
            "unread",
            "last_message_at",
            "last_inbound_at",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_our_number(self, conversation) -> str:
        return f"+{conversation.our_number}"

    def get_remote(self, conversation) -> str:
        return f"+{conversation.remote}" if conversation.remote.isdigit() else conversation.remote


class ConversationDetailSerializer(ConversationSerializer):
    messages = serializers.SerializerMethodField(
        help_text=f"The newest {NEWEST_MESSAGES} messages, oldest first; all of them, a page at "
        "a time, under messages/."
    )

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]
        read_only_fields = fields

    def get_messages(self, conversation) -> list[dict]:
        rows = Message.objects.filter(conversation=conversation).order_by("-created_at", "-pk")
        return MessageSerializer(reversed(list(rows[:NEWEST_MESSAGES])), many=True).data


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_BODY_TEXT, allow_blank=True, trim_whitespace=False)
    media = serializers.ListField(
        child=serializers.CharField(max_length=4000),
        required=False,
        max_length=20,
        help_text="Web addresses of the files of an MMS (US and Canadian numbers only).",
    )


class AssignSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="Hand it to this user of the tenant.",
    )
    queue = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="Put it back in this queue, for its agents.",
    )


class ConversationApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The conversations the caller may work: a tenant admin's token sees all of the tenant;
    an agent's, their own and the ones waiting in their queues."""

    model = Conversation
    api_noun = ("conversation", "conversations")
    filterset_class = ConversationFilter
    ordering_fields = ["last_message_at"]
    admin_actions: set[str] = set()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ConversationDetailSerializer
        if self.action == "messages":
            return MessageSerializer
        return ConversationSerializer

    def get_filterset_kwargs(self) -> dict:
        return {"admin": self.access.is_admin}

    def scoped_queryset(self):
        return services.conversations_visible(
            tenant=self.tenant, user=self.request.user, admin=self.access.is_admin
        ).order_by("-last_message_at", "-pk")

    def get_object(self):
        if self.action == "assign":
            # A pickup that lost the race still finds it (in one of the caller's queues) to
            # say who won; a transfer checks that the caller may see it (assign below).
            rows = Conversation.objects.filter(tenant=self.tenant)
            if not self.access.is_admin:
                rows = rows.filter(queue__in=services.queues_of(self.request.user)) | (
                    self.scoped_queryset()
                )
            return get_object_or_404(rows.distinct(), pk=self.kwargs["pk"])
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def _answer(self, conversation):
        return Response(ConversationSerializer(actions._fresh(conversation)).data)

    @extend_schema(responses=MessageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def messages(self, request, *args, **kwargs):
        """Its messages, newest first, a page at a time."""
        rows = Message.objects.filter(conversation=self.get_object()).order_by("-created_at", "-pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        request=ReplySerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description=f"At most {MAX_IDEMPOTENCY_KEY_CHARS} printable characters. The "
                "same key with the same body returns the first answer; with another body, a 422.",
            )
        ],
        responses={
            201: MessageSerializer,
            400: OpenApiResponse(description="Refused: `errors` names each field and why."),
            422: OpenApiResponse(description="The key was used with another body."),
        },
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, *args, **kwargs):
        """Send a reply from the conversation's number (queued; follow its `status`)."""
        conversation = self.get_object()
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            code, answer, _ = self._reply(request, conversation)
            return Response(answer, status=code)
        try:
            code, answer, replayed = message_send_once(
                tenant=self.tenant,
                key=key,
                body={"conversation": conversation.pk, **_body_of(request)},
                send=lambda: self._reply(request, conversation),
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

    def _reply(self, request, conversation):
        body = ReplySerializer(data=request.data)
        if not body.is_valid():
            return 400, {"detail": "Invalid input.", "errors": body.errors}, None
        try:
            message = actions.conversation_reply(
                conversation=conversation,
                actor=request.user,
                text=body.validated_data["text"],
                media=body.validated_data.get("media", ()),
            )
        except ValidationError as exc:
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            return 400, {"detail": "Invalid input.", "errors": errors}, None
        return 201, MessageSerializer(message).data, message

    @extend_schema(request=AssignSerializer, responses=ConversationSerializer, filters=False)
    @action(detail=True, methods=["post"])
    def assign(self, request, *args, **kwargs):
        """To a user (`user`) or a queue (`queue`) of the tenant; with neither, the caller
        picks it up (the first to do so wins; the other gets a 400 saying who did)."""
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_id, queue_id = body.validated_data.get("user"), body.validated_data.get("queue")
        conversation = self.get_object()
        if user_id is None and queue_id is None:
            actions.conversation_pickup(conversation=conversation, actor=request.user)
            return self._answer(conversation)
        if not self.scoped_queryset().filter(pk=conversation.pk).exists():
            raise Http404("No such conversation.")
        if user_id is not None and queue_id is not None:
            raise ValidationError({"user": "Give a user or a queue, not both."})
        to_user = to_queue = None
        if user_id is not None:
            member = Membership.objects.filter(tenant=self.tenant, user_id=user_id).first()
            if member is None:
                raise ValidationError(
                    {"user": f"There is no user {user_id} in {self.tenant.name}."}
                )
            to_user = member.user
        else:
            to_queue = MessageQueue.objects.filter(tenant=self.tenant, pk=queue_id).first()
            if to_queue is None:
                raise ValidationError(
                    {"queue": f"There is no queue {queue_id} in {self.tenant.name}."}
                )
        actions.conversation_transfer(
            conversation=conversation, actor=request.user, to_user=to_user, to_queue=to_queue
        )
        return self._answer(conversation)

    @extend_schema(request=None, responses=ConversationSerializer, filters=False)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Closes it; a new inbound message opens it again."""
        conversation = self.get_object()
        actions.conversation_close(conversation=conversation, actor=request.user)
        return self._answer(conversation)

    @extend_schema(request=None, responses=ConversationSerializer, filters=False)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        conversation = self.get_object()
        actions.conversation_reopen(conversation=conversation, actor=request.user)
        return self._answer(conversation)
