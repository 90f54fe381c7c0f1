"""Sender IDs in the API: a tenant's (list, create, detail with its countries and the state
of each, countries changed, delete) and every tenant's for system administrators. Writes
answer 202: the registration with Wavix is a job; the detail shows where it stands."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.views import PlatformViewSet
from tenants.api.base import TenantViewSet

from ..filters.senders import PlatformSenderFilter, SenderFilter
from ..models import MonthlyVolume, SenderCountry, SenderId, SenderKind, SenderUsecase
from ..services import senders as services
from ..services.senders import MAX_COUNTRIES, MAX_SAMPLES


class SenderCountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SenderCountry
        fields = ["country", "state", "note", "updated_at"]


class SenderIdSerializer(serializers.ModelSerializer):
    countries = SenderCountrySerializer(many=True, read_only=True)
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    job = serializers.SerializerMethodField()

    class Meta:
        model = SenderId
        fields = [
            "id",
            "tenant",
            "kind",
            "value",
            "usecase",
            "monthly_volume",
            "samples",
            "countries",
            "synced_at",
            "created_at",
            "job",
        ]

    def get_job(self, sender) -> dict | None:
        job = services.sender_jobs(sender).first()
        if job is None:
            return None
        return {"kind": job.kind, "status": job.status, "error": job.error, "note": job.note}


class CountriesField(serializers.ListField):
    child = serializers.CharField(max_length=3)

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_COUNTRIES, allow_empty=False, **kwargs)


class SenderIdWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SenderKind.choices)
    value = serializers.CharField(
        max_length=40, help_text="The number (E.164) or the name (1-11 letters, digits, spaces)."
    )
    countries = CountriesField()
    usecase = serializers.ChoiceField(
        choices=SenderUsecase.choices, default=SenderUsecase.TRANSACTIONAL
    )
    monthly_volume = serializers.ChoiceField(choices=MonthlyVolume.choices, default="1-1000")
    samples = serializers.ListField(
        child=serializers.CharField(max_length=160), max_length=MAX_SAMPLES, default=list
    )


class SenderCountriesWriteSerializer(serializers.Serializer):
    countries = CountriesField()


class SenderIdApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    """The tenant's sender IDs. `countries[].state`: checking, pending, allowlisted, manual
    (paperwork needed: `note` says what to do), refused. Filters: q, kind, state."""

    model = SenderId
    api_noun = ("sender ID", "sender IDs")
    serializer_class = SenderIdSerializer
    filterset_class = SenderFilter
    admin_actions = {"create", "destroy", "countries"}

    def scoped_queryset(self):
        return SenderId.objects.filter(tenant=self.tenant).prefetch_related("countries")

    def get_object(self):
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=SenderIdWriteSerializer, responses={202: SenderIdSerializer})
    def create(self, request, tenant_slug=None):
        """A new sender ID, registered with Wavix by a job (202)."""
        body = SenderIdWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sender = services.sender_create(
            tenant=self.tenant, actor=request.user, **body.validated_data
        )
        return Response(
            SenderIdSerializer(self.get_queryset().get(pk=sender.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=SenderCountriesWriteSerializer, responses={202: SenderIdSerializer})
    @action(detail=True, methods=["put"])
    def countries(self, request, tenant_slug=None, pk=None):
        """The whole list of destination countries; the sender ID is registered again."""
        body = SenderCountriesWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sender = services.sender_countries_set(
            sender=self.get_object(), countries=body.validated_data["countries"]
        )
        return Response(
            SenderIdSerializer(self.get_queryset().get(pk=sender.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )

    def destroy(self, request, *args, **kwargs):
        """Deletes it: sending from it stops; it is removed from Wavix by a job."""
        services.sender_delete(sender=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlatformSenderIdApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PlatformViewSet):
    """Every tenant's sender IDs (system administrators). Filters: q, kind, state."""

    model = SenderId
    api_noun = ("sender ID", "sender IDs")
    serializer_class = SenderIdSerializer
    filterset_class = PlatformSenderFilter

    def scoped_queryset(self):
        return (
            SenderId.objects.select_related("tenant")
            .prefetch_related("countries")
            .order_by("tenant__slug", "value")
        )
