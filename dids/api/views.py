from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dids import selectors, services
from dids.filters import InventoryFilter, PoolFilter
from dids.models import Did, DidPool, NumberRange, SyncRun
from portal.api.views import PlatformViewSet, TenantViewSet
from portal.models import WavixAccount
from tenants.models import Tenant

from . import serializers as s


def _preview_data(preview) -> dict:
    return {
        "ok": preview.ok,
        "size": preview.new.size,
        "added": preview.added.format(),
        "removed": preview.removed.format(),
        "errors": preview.errors(),
    }


class PoolApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, PlatformViewSet
):
    """DID pools of every tenant (system administrators). Writes are all-or-nothing and name
    every conflicting number and its owner."""

    model = DidPool
    serializer_class = s.DidPoolSerializer
    filterset_class = PoolFilter
    ordering_fields = ["size", "updated_at"]

    def scoped_queryset(self):
        return DidPool.objects.select_related("tenant").order_by("tenant__slug", "name")

    @extend_schema(request=s.PoolWriteSerializer, responses={201: s.DidPoolSerializer})
    def create(self, request):
        body = s.PoolWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        slug = body.validated_data.get("tenant")
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise ValidationError({"tenant": [f"No tenant with the slug “{slug}”."]})
        pool, _ = services.pool_save(
            tenant=tenant, text=body.validated_data["numbers"], name=body.validated_data["name"]
        )
        return Response(s.DidPoolSerializer(pool).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PoolWriteSerializer, responses=s.DidPoolSerializer)
    def update(self, request, pk=None):
        pool = self.get_object()
        body = s.PoolWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pool, _ = services.pool_save(
            tenant=pool.tenant,
            pool=pool,
            text=body.validated_data["numbers"],
            name=body.validated_data.get("name") or pool.name,
        )
        return Response(s.DidPoolSerializer(pool).data)

    def perform_destroy(self, instance):
        services.pool_delete(pool=instance)

    @extend_schema(request=s.PoolPreviewSerializer, responses=s.PoolPreviewResultSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What saving these numbers would add, remove, and why it would be refused."""
        body = s.PoolPreviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        pool = get_object_or_404(DidPool, pk=data["pool"]) if data.get("pool") else None
        tenant = pool.tenant if pool else Tenant.objects.filter(slug=data.get("tenant")).first()
        if tenant is None:
            raise ValidationError({"tenant": ["Name the tenant (slug) or the pool."]})
        # Without a pool id, the tenant's pool of that name (if any) is the one being edited.
        pool = pool or DidPool.objects.filter(tenant=tenant, name=data["name"]).first()
        preview = services.pool_preview(tenant=tenant, pool=pool, text=data["numbers"])
        return Response(_preview_data(preview))

    @extend_schema(
        parameters=[OpenApiParameter("number", str, required=True)], responses={200: dict}
    )
    @action(detail=False, methods=["get"])
    def owner(self, request):
        """Who owns a number: tenant, pool and range, and its inventory details."""
        digits = request.query_params.get("number", "").lstrip("+").strip()
        if not digits.isdigit() or len(digits) > 15:
            raise ValidationError({"number": [f"“{digits}” is not an E.164 number."]})
        row = selectors.owner_of(int(digits))
        did = Did.objects.filter(number=int(digits)).first()
        return Response(
            {
                "number": f"+{digits}",
                "tenant": row.tenant.slug if row else None,
                "pool": row.pool.name if row else None,
                "range": str(row) if row else None,
                "inventory": s.DidSerializer(did).data if did else None,
            }
        )


class NumberApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The tenant's numbers: every number of its pools, with inventory details where held.
    Filters: q (number prefix, or text in labels), status (active, inactive, not_held),
    sms (yes, no)."""

    model = NumberRange
    serializer_class = s.NumberSerializer
    lookup_field = "number"
    admin_actions = {"partial_update"}
    filter_backends: list = []

    def scoped_queryset(self):
        params = self.request.query_params
        return selectors.tenant_numbers(
            self.tenant,
            q=params.get("q", ""),
            status=params.get("status", ""),
            sms=params.get("sms", ""),
        )

    def get_object(self):
        number = int(self.kwargs["number"])
        if not NumberRange.objects.filter(start__lte=number, end__gte=number).exists():
            raise Http404("Not one of this tenant's numbers.")
        return selectors.rows_for(self.tenant, [number])[0]

    @extend_schema(request=s.NoteSerializer, responses=s.NumberSerializer)
    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.note_save(tenant=self.tenant, number=row.number, **body.validated_data)
        return Response(s.NumberSerializer(selectors.rows_for(self.tenant, [row.number])[0]).data)


class PoolUsageApiViewSet(mixins.ListModelMixin, TenantViewSet):
    """Per range of the tenant's pools: numbers held on Wavix, active, SMS-enabled, E911, free."""

    model = NumberRange
    serializer_class = s.RangeUsageSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return selectors.pool_usage(self.tenant)


class InventoryApiViewSet(mixins.ListModelMixin, PlatformViewSet):
    """Numbers held on Wavix (system administrators), with the tenant whose pool holds each.
    Filters: q (number prefix), account, status, sms_enabled (yes/no), pooled (yes/no)."""

    model = Did
    serializer_class = s.InventorySerializer
    filterset_class = InventoryFilter
    ordering_fields = ["number", "updated_at"]

    def scoped_queryset(self):
        return Did.objects.select_related("account").with_owner().order_by("number")


class SyncRunApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PlatformViewSet):
    """Inventory sync runs; POST starts one (or returns the one under way)."""

    model = SyncRun
    serializer_class = s.SyncRunSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return SyncRun.objects.select_related("account")

    @extend_schema(request=s.SyncStartSerializer, responses={202: s.SyncRunSerializer})
    def create(self, request):
        body = s.SyncStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        accounts = WavixAccount.objects.order_by("-is_default", "name")
        account_id = body.validated_data.get("account")
        account = (accounts.filter(pk=account_id) if account_id else accounts).first()
        if account is None:
            raise ValidationError({"account": ["No such Wavix account."]})
        run = services.sync_start(account=account, trigger="api", user=request.user)
        return Response(s.SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
