"""Opt-outs in the API: a tenant's list (filters: q, source, covers), one added (any member),
one removed (tenant admins). A blank `sender` is "all senders"."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from tenants.api.base import TenantViewSet

from ..filters.optouts import OptOutFilter
from ..models import OptOut
from ..services import optouts as services


class OptOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = OptOut
        fields = ["id", "recipient", "sender", "source", "note", "created_at", "synced_at"]
        read_only_fields = fields


class OptOutWriteSerializer(serializers.Serializer):
    recipient = serializers.CharField(max_length=40)
    sender = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class OptOutApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    """The tenant's opt-outs: a message to one of them is refused with the reason."""

    model = OptOut
    api_noun = ("opt-out", "opt-outs")
    serializer_class = OptOutSerializer
    filterset_class = OptOutFilter
    admin_actions = {"destroy"}

    def scoped_queryset(self):
        return OptOut.objects.filter(tenant=self.tenant)

    def get_object(self):
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        request=OptOutWriteSerializer, responses={201: OptOutSerializer, 200: OptOutSerializer}
    )
    def create(self, request, tenant_slug=None):
        """Adds one (201), or answers the one that already covers it (200)."""
        body = OptOutWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opt_out = services.opt_out_add(
            tenant=self.tenant, source=OptOut.Source.API, actor=request.user, **body.validated_data
        )
        code = status.HTTP_200_OK if opt_out.already else status.HTTP_201_CREATED
        return Response(OptOutSerializer(opt_out).data, status=code)

    def destroy(self, request, *args, **kwargs):
        """Removes it here; Wavix keeps its own copy (its API cannot remove one)."""
        services.opt_out_remove(opt_out=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
