"""Channels in the platform API (system administrators): the same services as the pages, so
the same rules and messages; every change in the audit log. The webhook tokens are shown only
inside their address (`dlr_url`), which the provider needs."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.api.views import PlatformViewSet
from portal.models import WavixAccount

from .. import allowlist
from ..hooks import dlr_url, inbound_url
from ..models import Channel
from ..services import channels as services
from ..services.channels import MAX_SEGMENTS, MAX_VALIDITY_DAYS, SETTINGS

INT_MAX = 2**31 - 1


class ChannelSerializer(serializers.ModelSerializer):
    wavix_account = serializers.PrimaryKeyRelatedField(read_only=True)
    dlr_url = serializers.SerializerMethodField(
        help_text="The delivery-report webhook's address (give it to the provider)."
    )
    inbound_url = serializers.SerializerMethodField(
        help_text="The inbound-message webhook's address (the portal sets it on the numbers)."
    )

    class Meta:
        model = Channel
        fields = [
            "id",
            "kind",
            "wavix_account",
            *SETTINGS,
            "paused_reason",
            "dlr_url",
            "inbound_url",
            "last_error",
            "last_error_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_dlr_url(self, obj) -> str:
        return dlr_url(obj)

    def get_inbound_url(self, obj) -> str:
        return inbound_url(obj)


class ChannelWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    wavix_account = serializers.IntegerField(
        min_value=1, max_value=INT_MAX, required=False, help_text="On create only."
    )
    is_active = serializers.BooleanField(required=False, default=True)
    rate = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        default=Decimal("1"),
        help_text="Messages per second, 0.01 to 100.",
    )
    # The bounds are the service's, whose message names the value.
    validity_days = serializers.IntegerField(
        max_value=INT_MAX, required=False, default=3, help_text=f"1 to {MAX_VALIDITY_DAYS}."
    )
    max_segments = serializers.IntegerField(
        max_value=INT_MAX, required=False, default=10, help_text=f"1 to {MAX_SEGMENTS}."
    )
    media_text = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    debug_log = serializers.BooleanField(required=False, default=False)
    inbound_allowlist = serializers.CharField(
        max_length=allowlist.MAX_LINES * (allowlist.MAX_LINE + 1),
        required=False,
        allow_blank=True,
        default="",
        help_text="Addresses or CIDR networks allowed to post webhooks, one per line; blank: "
        f"any. Wavix posts from {allowlist.WAVIX_CALLBACK_ADDRESS}.",
    )


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ChannelApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, PlatformViewSet
):
    """Messaging channels (system administrators): one per Wavix account. Pausing keeps the
    channel's messages queued; resuming sends them at its rate."""

    model = Channel
    serializer_class = ChannelSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return Channel.objects.select_related("wavix_account").order_by("name")

    @extend_schema(request=ChannelWriteSerializer, responses={201: ChannelSerializer})
    def create(self, request):
        body = ChannelWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        account_id = data.pop("wavix_account", None)
        account = WavixAccount.objects.filter(pk=account_id).first() if account_id else None
        if account is None:
            raise ValidationError(
                {"wavix_account": [f"No Wavix account with the id {account_id}."]}
                if account_id
                else {"wavix_account": ["This field is required."]}
            )
        channel = services.channel_create(wavix_account=account, **data)
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)

    def _save(self, request, partial: bool):
        channel = self.get_object()
        body = ChannelWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "wavix_account" in data:
            raise ValidationError(
                {"wavix_account": ["A channel's Wavix account cannot change; add a channel."]}
            )
        channel = services.channel_update(channel=channel, **data)
        return Response(ChannelSerializer(channel).data)

    @extend_schema(request=ChannelWriteSerializer, responses=ChannelSerializer)
    def update(self, request, pk=None):
        return self._save(request, partial=False)

    @extend_schema(request=ChannelWriteSerializer, responses=ChannelSerializer)
    def partial_update(self, request, pk=None):
        return self._save(request, partial=True)

    def perform_destroy(self, instance):
        services.channel_delete(channel=instance)

    @extend_schema(request=PauseSerializer, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Pause sending: messages stay queued until resumed (or until they expire)."""
        body = PauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        channel = services.channel_pause(
            channel=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(ChannelSerializer(channel).data)

    @extend_schema(request=None, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """Resume sending: the queued messages go out at the channel's rate."""
        channel = services.channel_resume(channel=self.get_object())
        return Response(ChannelSerializer(channel).data)

    @extend_schema(request=None, responses=ChannelSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request, pk=None):
        """Rotate the delivery-report token: a new webhook address; the old one answers 404."""
        channel = services.channel_rotate_token(channel=self.get_object(), which="dlr")
        return Response(ChannelSerializer(channel).data)
