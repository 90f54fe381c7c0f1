from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from dids import selectors, services
from dids.documents import MAX_BYTES, DocumentRefused, check
from dids.filters import (
    E911DriftFilter,
    InventoryFilter,
    NumberDocumentFilter,
    PoolFilter,
    ValidationResultFilter,
)
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
)
from dids.ranges import MAX_DIGITS
from dids.services import e911 as e911_services
from dids.services import reconcile
from dids.services import validator as validator_services
from dids.services.documents import MAX_NUMBERS as DOCUMENT_NUMBERS
from dids.services.documents import number_document_upload
from portal import phone
from portal.api.filters import filter_parameters, filtered
from portal.api.views import PlatformViewSet
from portal.exports import csv_response, in_scope
from portal.models import WavixAccount
from tenants.api.base import TenantViewSet
from tenants.models import Tenant

from . import serializers as s

# Numbers in addresses are written as the API writes them, +E.164, or as bare digits.
NUMBER_IN_URL = r"\+?[0-9]+"


def _url_number(kwargs) -> int:
    """The number named in the address; one that cannot be a phone number is a 404."""
    digits = phone.number_digits(kwargs["number"])
    if digits is None or len(digits) > MAX_DIGITS:
        raise Http404("No such number.")
    return int(digits)


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
    api_noun = ("DID pool", "DID pools")
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
        """Preview a pool change: what saving these numbers would add, remove, and why it
        would be refused."""
        body = s.PoolPreviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        pool = DidPool.objects.filter(pk=data["pool"]).first() if data.get("pool") else None
        if data.get("pool") and pool is None:
            raise ValidationError({"pool": [f"No pool with the id {data['pool']}."]})
        tenant = pool.tenant if pool else Tenant.objects.filter(slug=data.get("tenant")).first()
        if tenant is None:
            raise ValidationError({"tenant": ["Name the tenant (slug) or the pool."]})
        # Without a pool id, the tenant's pool of that name (if any) is the one being edited.
        pool = pool or DidPool.objects.filter(tenant=tenant, name=data["name"]).first()
        preview = services.pool_preview(tenant=tenant, pool=pool, text=data["numbers"])
        return Response(_preview_data(preview))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "number",
                {"type": "string", "pattern": r"^\+?[0-9]{8,15}$"},
                required=True,
                description="An E.164 number, with or without its +.",
            )
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def owner(self, request):
        """Who owns a number: tenant, pool and range, and its inventory details."""
        raw = request.query_params.get("number", "")
        number, why = phone.reason(raw)
        if why is not None:
            shown = raw.strip()[: phone.MAX_TYPED]
            raise ValidationError({"number": [f"“{shown}” is not a phone number: it {why}."]})
        digits = str(number)
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
    api_noun = ("number", "numbers")
    serializer_class = s.NumberSerializer
    lookup_field = "number"
    lookup_value_regex = NUMBER_IN_URL
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
        number = _url_number(self.kwargs)
        if not NumberRange.objects.filter(start__lte=number, end__gte=number).exists():
            raise Http404("Not one of this tenant's numbers.")
        return selectors.rows_for(self.tenant, [number])[0]

    @extend_schema(request=s.NoteSerializer, responses=s.NumberSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the number's label or description (what is left out stays)."""
        row = self.get_object()
        body = s.NoteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        note = {
            "label": row.note.label if row.note else "",
            "description": row.note.description if row.note else "",
        }
        note.update(body.validated_data)
        services.note_save(tenant=self.tenant, number=row.number, **note)
        return Response(s.NumberSerializer(selectors.rows_for(self.tenant, [row.number])[0]).data)


class PoolUsageApiViewSet(mixins.ListModelMixin, TenantViewSet):
    """Per range of the tenant's pools: numbers held on Wavix, active, SMS-enabled, E911, free."""

    model = NumberRange
    api_noun = ("range's usage", "usage of each range")
    serializer_class = s.RangeUsageSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return selectors.pool_usage(self.tenant)


class InventoryApiViewSet(mixins.ListModelMixin, PlatformViewSet):
    """Numbers held on Wavix (system administrators), with the tenant whose pool holds each.
    Filters: q (number prefix), account, status, sms_enabled (yes/no), pooled (yes/no)."""

    model = Did
    api_noun = ("number held on Wavix", "numbers held on Wavix")
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
        """Start an inventory sync (or answer the one under way)."""
        body = s.SyncStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        accounts = WavixAccount.objects.order_by("-is_default", "name")
        account_id = body.validated_data.get("account")
        account = (accounts.filter(pk=account_id) if account_id else accounts).first()
        if account is None:
            raise ValidationError({"account": ["No such Wavix account."]})
        run = services.sync_start(account=account, trigger="api", user=request.user)
        return Response(s.SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


# E911 ---------------------------------------------------------------------------------------


class E911ApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The tenant's emergency addresses, one per number (`status`: provisioning, provisioned,
    failed, removing). To set one: POST `validate/` with the numbers and the address; if
    Wavix confirms or corrects it, POST here with the numbers and the answer's `validation`
    (202, a job). DELETE deactivates emergency calling for the number on Wavix (202, a job).
    Filter: status."""

    model = E911Address
    serializer_class = s.E911AddressSerializer
    lookup_field = "number"
    lookup_value_regex = NUMBER_IN_URL
    admin_actions = {"create", "destroy", "validate"}
    filter_backends: list = []

    def scoped_queryset(self):
        rows = E911Address.objects.order_by("number")
        status_ = self.request.query_params.get("status", "")
        if status_ and status_ not in E911Address.Status.values:
            statuses = ", ".join(E911Address.Status.values)
            raise ValidationError({"status": [f"“{status_}” is not a status: use {statuses}."]})
        return rows.filter(status=status_) if status_ else rows

    def get_object(self):
        return get_object_or_404(E911Address, number=_url_number(self.kwargs))

    @extend_schema(request=s.E911ValidateSerializer, responses=s.E911OutcomeSerializer)
    @action(detail=False, methods=["post"])
    def validate(self, request, tenant_slug=None):
        """Check an address here, then with Wavix. The answer is full_match, corrected,
        candidates or no_match; nothing changes on Wavix."""
        body = s.E911ValidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        numbers = e911_services.parse_numbers(body.validated_data["numbers"])
        data = {**body.validated_data["address"], "name": body.validated_data["name"]}
        outcome = e911_services.e911_validate(tenant=self.tenant, numbers=numbers, data=data)
        return Response(s.E911OutcomeSerializer(outcome).data)

    @extend_schema(request=s.E911SetSerializer, responses={202: s.E911JobSerializer})
    def create(self, request, tenant_slug=None):
        """Set a validated emergency address on numbers (a job)."""
        body = s.E911SetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = e911_services.e911_set(
            tenant=self.tenant,
            numbers=e911_services.parse_numbers(body.validated_data["numbers"]),
            token=body.validated_data["validation"],
            user=request.user,
        )
        return Response(s.E911JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={202: s.E911JobSerializer})
    def destroy(self, request, *args, **kwargs):
        """Delete the number's E911 record on Wavix: emergency calling stops (a job)."""
        record = self.get_object()
        job = e911_services.e911_remove(
            tenant=self.tenant, numbers=[record.number], user=request.user
        )
        return Response(s.E911JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class E911JobApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Jobs that set or remove emergency addresses on Wavix, with their progress."""

    model = E911Job
    serializer_class = s.E911JobSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return E911Job.objects.select_related("requested_by")


class E911DriftApiViewSet(mixins.ListModelMixin, TenantViewSet):
    """Where Wavix's E911 records differ from the tenant's addresses (last reconcile)."""

    model = E911Drift
    serializer_class = s.E911DriftSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return E911Drift.objects.select_related("account", "tenant").order_by("number")


class PlatformE911DriftApiViewSet(mixins.ListModelMixin, PlatformViewSet):
    """Drift across every tenant and account (system administrators). Filters: q, kind,
    account."""

    model = E911Drift
    serializer_class = s.E911DriftSerializer
    filterset_class = E911DriftFilter

    def scoped_queryset(self):
        return E911Drift.objects.select_related("account", "tenant").order_by("number")


class E911ReconcileRunApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PlatformViewSet):
    """E911 reconcile runs; POST starts one per account (or returns those under way)."""

    model = E911ReconcileRun
    serializer_class = s.E911ReconcileRunSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return E911ReconcileRun.objects.select_related("account")

    @extend_schema(request=None, responses={202: s.E911ReconcileRunSerializer(many=True)})
    def create(self, request):
        """Start an E911 reconcile of every Wavix account (or answer those under way)."""
        runs = [
            reconcile.reconcile_start(account=account, trigger="api", user=request.user)
            for account in WavixAccount.objects.order_by("-is_default", "name")
        ]
        data = s.E911ReconcileRunSerializer(runs, many=True).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ValidationJobApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Number validation jobs (tenant admins). POST a list (`type`, `numbers`; 202, a job:
    up to 1,000 numbers in one Wavix request, more asynchronously), or POST `validate/` one
    `number`. `results/` pages through the results (filters: valid=yes|no, type); `export/`
    is the CSV."""

    model = ValidationJob
    serializer_class = s.ValidationJobSerializer
    filter_backends: list = []
    admin_actions = {"list", "retrieve", "create", "validate", "results", "export"}

    def scoped_queryset(self):
        return ValidationJob.objects.select_related("created_by").order_by("-created_at", "-id")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.ValidationJobDetailSerializer
        return super().get_serializer_class()

    def _numbers(self, entries: list[str]) -> list[int]:
        region = self.tenant.default_country or None
        numbers, errors = {}, []  # a dict keeps the order and collapses duplicates
        for index, entry in enumerate(entries, 1):
            number, why = phone.reason(entry, region=region)
            if why is not None:
                shown = entry[:40]
                errors.append(f"Entry {index}, “{shown}”, is not a phone number: it {why}.")
            else:
                numbers[number] = None
        if errors:
            raise ValidationError({"numbers": errors[:50]})
        return list(numbers)

    def _started(self, job):
        data = s.ValidationJobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.ValidationStartSerializer, responses={202: s.ValidationJobSerializer})
    def create(self, request, tenant_slug=None):
        """Validate a list of numbers (a job)."""
        body = s.ValidationStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = validator_services.validation_start(
            tenant=self.tenant,
            kind=body.validated_data["type"],
            numbers=self._numbers(body.validated_data["numbers"]),
            user=request.user,
        )
        return self._started(job)

    @extend_schema(request=s.ValidateOneSerializer, responses={202: s.ValidationJobSerializer})
    @action(detail=False, methods=["post"])
    def validate(self, request, tenant_slug=None):
        """Validate one number (a job; its detail lays out the result)."""
        body = s.ValidateOneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = validator_services.validation_start(
            tenant=self.tenant,
            kind=body.validated_data["type"],
            numbers=self._numbers([body.validated_data["number"]]),
            single=True,
            user=request.user,
        )
        return self._started(job)

    @extend_schema(
        parameters=filter_parameters(ValidationResultFilter),
        responses=s.ValidationResultSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def results(self, request, tenant_slug=None, pk=None):
        """The job's results, by number (`?q=`, `?valid=`, `?type=` filter)."""
        results = self.get_object().results.order_by("number")
        rows = filtered(request, results, ValidationResultFilter)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ValidationResultSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=True, methods=["get"])
    def export(self, request, tenant_slug=None, pk=None):
        """The job's results as CSV (formula cells neutralised)."""
        job = self.get_object()
        rows = in_scope(selectors.validation_export_rows(job), tenant=self.tenant)
        return csv_response(f"validation-{job.pk}.csv", selectors.VALIDATION_EXPORT_HEADER, rows)


class NumberDocumentApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Documents of the tenant's numbers (tenant admins; filters: q, status, doc_type). POST
    (multipart: `numbers`, `doc_type`, `file`) uploads one document for those numbers: 202,
    the upload job (`document-uploads/<id>/`). Uploading needs a system administrator or a
    tenant that allows its admins to upload."""

    model = NumberDocument
    serializer_class = s.NumberDocumentSerializer
    filterset_class = NumberDocumentFilter
    admin_actions = {"list", "retrieve", "create"}

    def scoped_queryset(self):
        return selectors.tenant_documents(self.tenant)

    @extend_schema(
        request={"multipart/form-data": s.DocumentUploadRequestSerializer},
        responses={202: s.DocumentUploadSerializer},
    )
    def create(self, request, tenant_slug=None):
        """Upload a document for some of the tenant's numbers (a job)."""
        if not selectors.may_upload_documents(self.tenant, request.user):
            raise PermissionDenied(
                "Your provider uploads the documents of your numbers; ask them to let your "
                "tenant's admins upload."
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BYTES + 64 * 1024:  # refused before the body is parsed
            raise ValidationError(
                {"file": [f"The body is {length:,} bytes; a document may have at most 10 MB."]}
            )
        body = s.DocumentUploadRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            checked = check(upload, upload.name, size=upload.size)
        except DocumentRefused as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        job = number_document_upload(
            tenant=self.tenant,
            doc_type=body.validated_data["doc_type"],
            numbers=self._numbers(body.validated_data["numbers"]),
            file=checked,
            user=request.user,
        )
        data = s.DocumentUploadSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @staticmethod
    def _numbers(text: str) -> list[int]:
        entries = [e.strip() for e in text.replace(";", ",").split(",") if e.strip()]
        if len(entries) > DOCUMENT_NUMBERS:
            raise ValidationError(
                {"numbers": [f"{len(entries)} numbers given; one document covers 100 at most."]}
            )
        numbers = []
        for entry in entries:
            digits = phone.number_digits(entry)
            if digits is None or len(digits) > MAX_DIGITS:
                raise ValidationError(
                    {"numbers": [f"“{entry[:40]}” is not a number in E.164 form (+4930…)."]}
                )
            numbers.append(int(digits))
        return numbers


class DocumentUploadApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Document upload jobs (tenant admins): each one's state and its numbers' documents."""

    model = DocumentUpload
    serializer_class = s.DocumentUploadSerializer
    filter_backends: list = []
    admin_actions = {"list", "retrieve"}

    def scoped_queryset(self):
        return DocumentUpload.objects.select_related("created_by").prefetch_related(
            "documents__did"
        )
