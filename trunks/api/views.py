"""Trunks, shares and call records in the API: writes go through the same services as the
browser, so the same rules and messages apply."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from portal.api.filters import filter_parameters, filtered
from portal.api.views import PlatformViewSet
from portal.models import WavixAccount
from tenants.api.base import TenantViewSet
from tenants.models import Tenant
from trunks import contact_lists, selectors, services
from trunks.filters import CampaignContactFilter, CdrFilter, TrunkFilter
from trunks.models import (
    SETTINGS,
    CallFlow,
    Cdr,
    SipTrunk,
    SpeechHit,
    SpeechSearch,
    Transcript,
    TrunkAssignment,
    VoiceCampaign,
)
from trunks.services import campaigns as campaign_services
from trunks.services import speech as speech_services
from trunks.services.speech_search import speech_search_start

from . import serializers as s


class TrunkApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, PlatformViewSet
):
    """SIP trunks (system administrators). Writes are saved, then pushed to Wavix by a task:
    watch `sync_state`. The password is write-only and always masked."""

    model = SipTrunk
    serializer_class = s.TrunkSerializer
    filterset_class = TrunkFilter
    ordering_fields = ["label", "updated_at"]

    def scoped_queryset(self):
        return selectors.trunk_list()

    @extend_schema(request=s.TrunkWriteSerializer, responses={202: s.TrunkWrittenSerializer})
    def create(self, request):
        body = s.TrunkWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        accounts = WavixAccount.objects.order_by("-is_default", "name")
        account_id = data.pop("account", None)
        account = (accounts.filter(pk=account_id) if account_id else accounts).first()
        if account is None:
            raise ValidationError({"account": [f"No Wavix account with the id {account_id}."]})
        trunk = services.trunk_save(account=account, data=data)
        return self._written(trunk, data)

    def _save(self, request, partial: bool):
        trunk = self.get_object()
        body = s.TrunkWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = {name: getattr(trunk, name) for name in SETTINGS} if partial else {}
        data.update(body.validated_data)
        data.pop("account", None)
        trunk = services.trunk_save(trunk=trunk, data=data)
        return self._written(trunk, data)

    @staticmethod
    def _written(trunk: SipTrunk, data: dict) -> Response:
        context = {"generated": bool(data.get("generate_password"))}
        body = s.TrunkWrittenSerializer(trunk, context=context).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.TrunkWriteSerializer, responses={202: s.TrunkWrittenSerializer})
    def update(self, request, pk=None):
        return self._save(request, partial=False)

    @extend_schema(request=s.TrunkWriteSerializer, responses={202: s.TrunkWrittenSerializer})
    def partial_update(self, request, pk=None):
        return self._save(request, partial=True)

    @extend_schema(responses={202: s.TrunkSerializer})
    def destroy(self, request, pk=None):
        """Delete a SIP trunk: it is deleted on Wavix by a task (`delete_requested`)."""
        trunk = services.trunk_delete(trunk=self.get_object())
        return Response(s.TrunkSerializer(trunk).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: s.TrunkSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Push a failed trunk again."""
        trunk = services.trunk_retry(trunk=self.get_object())
        return Response(s.TrunkSerializer(trunk).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: s.TrunkSerializer})
    @action(detail=True, methods=["post"])
    def repush(self, request, pk=None):
        """Push the portal's settings over Wavix's after drift (a trunk missing on Wavix is
        created again)."""
        trunk = services.trunk_repush(trunk=self.get_object())
        return Response(s.TrunkSerializer(trunk).data, status=status.HTTP_202_ACCEPTED)


class ShareApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, PlatformViewSet
):
    """Trunks shared with tenants, each with the tenant's DID pool on the trunk."""

    model = TrunkAssignment
    serializer_class = s.ShareSerializer
    filter_backends: list = []

    def scoped_queryset(self):
        return TrunkAssignment.objects.select_related("tenant", "pool", "trunk").order_by("id")

    @extend_schema(request=s.ShareCreateSerializer, responses={201: s.ShareSerializer})
    def create(self, request):
        body = s.ShareCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        trunk = SipTrunk.objects.filter(pk=data["trunk"]).first()
        tenant = Tenant.objects.filter(slug=data["tenant"]).first()
        errors = {}
        if trunk is None:
            errors["trunk"] = [f"No trunk with the id {data['trunk']}."]
        if tenant is None:
            errors["tenant"] = [f"No tenant with the slug “{data['tenant']}”."]
        if errors:
            raise ValidationError(errors)
        share = services.assignment_save(
            trunk=trunk, tenant=tenant, numbers=data["numbers"], max_calls=data["max_calls"]
        )
        return Response(s.ShareSerializer(share).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ShareWriteSerializer, responses=s.ShareSerializer)
    def update(self, request, pk=None):
        share = self.get_object()
        body = s.ShareWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        share = services.assignment_save(
            trunk=share.trunk,
            tenant=share.tenant,
            numbers=body.validated_data["numbers"],
            max_calls=body.validated_data["max_calls"],
            assignment=share,
        )
        return Response(s.ShareSerializer(share).data)

    def perform_destroy(self, instance):
        services.assignment_delete(assignment=instance)

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        """Route the tenant's numbers on the trunk to it (a number order)."""
        order = services.assignment_route(assignment=self.get_object(), user=request.user)
        return Response(
            {"order": order.pk, "numbers": order.numbers, "status": order.status},
            status=status.HTTP_202_ACCEPTED,
        )


class CdrApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PlatformViewSet):
    """Every call record. Filters: since, until (dates), direction, disposition, trunk, number."""

    model = Cdr
    serializer_class = s.CdrSerializer
    filterset_class = CdrFilter

    def scoped_queryset(self):
        return selectors.cdr_queryset()


class TenantTrunkApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, TenantViewSet
):
    """The trunks shared with the tenant: connection details without secrets, the tenant's
    pool on each; PATCH sets the tenant's caller IDs (its own numbers on the trunk)."""

    model = TrunkAssignment
    api_noun = ("shared trunk", "shared trunks")
    serializer_class = s.TenantTrunkSerializer
    filter_backends: list = []
    admin_actions = {"list", "retrieve", "update", "partial_update"}
    http_method_names = ["get", "patch", "head", "options"]

    def scoped_queryset(self):
        return selectors.tenant_shares()

    @extend_schema(request=s.CallerIdsSerializer, responses=s.TenantTrunkSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Set the tenant's caller IDs on the trunk (its own numbers on it)."""
        share = self.get_object()
        body = s.CallerIdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        share = services.assignment_set_caller_ids(
            assignment=share, text="\n".join(body.validated_data["caller_ids"])
        )
        return Response(s.TenantTrunkSerializer(share).data)


class TenantCdrApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The tenant's call records (calls of its numbers and trunks). Filters as for the
    platform."""

    model = Cdr
    serializer_class = s.CdrSerializer
    filterset_class = CdrFilter
    admin_actions = {"list", "retrieve", "transcript", "transcribe", "recording"}

    def scoped_queryset(self):
        return selectors.cdr_queryset()

    def get_filterset_kwargs(self) -> dict:
        """The trunk filter matches the tenant's own trunks only, as the portal's list does:
        another tenant's trunk id answers like an unknown one (no calls)."""
        return {"trunks": selectors.tenant_trunks()}

    @extend_schema(responses={200: s.TranscriptSerializer})
    @action(detail=True, methods=["get"])
    def transcript(self, request, pk=None, **kwargs):
        """The call's transcript: turns with the speaker (agent, client), times and text."""
        transcript = Transcript.objects.filter(call=self.get_object()).first()
        if transcript is None:
            raise NotFound("This call has no transcript in the portal yet.")
        return Response(s.TranscriptSerializer(transcript).data)

    @extend_schema(request=s.TranscribeSerializer, responses={202: s.TranscriptionJobSerializer})
    @action(detail=True, methods=["post"])
    def transcribe(self, request, pk=None, **kwargs):
        """Ask Wavix to transcribe the call (again), or with `fetch_only` to read the
        transcript it has; watch the call's `transcription`."""
        body = s.TranscribeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            job = speech_services.transcription_request(
                call=self.get_object(), user=request.user, **body.validated_data
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(s.TranscriptionJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "audio/*"): bytes, (206, "audio/*"): bytes})
    @action(detail=True, methods=["get"])
    def recording(self, request, pk=None, **kwargs):
        """The call's recording, streamed through the portal (`Range` honoured)."""
        wanted = (request.headers.get("Range") or "")[:100] or None
        try:
            stream = speech_services.recording_open(
                call=self.get_object(), byte_range=wanted, user=request.user
            )
        except speech_services.RecordingUnavailable as exc:
            code = status.HTTP_410_GONE if exc.gone else status.HTTP_503_SERVICE_UNAVAILABLE
            if exc.not_recorded:
                code = status.HTTP_404_NOT_FOUND
            return Response({"detail": exc.reason}, status=code)
        headers = stream.headers
        response = StreamingHttpResponse(
            stream.chunks(), status=stream.status, content_type=headers.pop("Content-Type", "")
        )
        for name, value in headers.items():
            response[name] = value
        return response


class SpeechSearchApiViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet
):
    """Speech searches of the tenant's call transcripts: create one (it runs as a job), then
    read its state and, once succeeded, its calls (`hits`)."""

    model = SpeechSearch
    api_noun = ("speech search", "speech searches")
    serializer_class = s.SpeechSearchSerializer
    filter_backends: list = []
    admin_actions = {"list", "retrieve", "create", "hits"}

    def scoped_queryset(self):
        return SpeechSearch.objects.all()

    def create(self, request, *args, **kwargs):
        body = s.SpeechSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            search = speech_search_start(
                tenant=self.tenant,
                user=request.user,
                date_from=data["date_from"],
                date_to=data["date_to"],
                direction=data["direction"],
                criteria=data["criteria"],
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"criteria": exc.messages}
            raise ValidationError(detail) from None
        return Response(s.SpeechSearchSerializer(search).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: s.SpeechHitSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def hits(self, request, pk=None, **kwargs):
        """The search's calls (the tenant's only), with the phrases each contains."""
        hits = SpeechHit.objects.filter(search=self.get_object()).select_related("call__trunk")
        page = self.paginate_queryset(hits)
        return self.get_paginated_response(s.SpeechHitSerializer(page, many=True).data)


class TenantCallFlowApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The call flows the tenant may start campaigns with."""

    model = CallFlow
    api_noun = ("call flow", "call flows")
    serializer_class = s.CallFlowSerializer
    filter_backends: list = []
    admin_actions = {"list", "retrieve"}

    def scoped_queryset(self):
        return selectors.allowed_flows(self.tenant)


class TenantCampaignApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Voice campaigns: create one with its contacts (a JSON list, at most 10,000; opted-out
    and invalid numbers are kept as skipped), follow its counts, list its contacts, pause,
    resume or cancel it. The calls are placed by the portal's dispatcher at the rate."""

    model = VoiceCampaign
    api_noun = ("voice campaign", "voice campaigns")
    serializer_class = s.CampaignSerializer
    filter_backends: list = []
    admin_actions = {"list", "retrieve", "create", "contacts", "pause", "resume", "cancel"}

    def scoped_queryset(self):
        return selectors.campaign_list()

    @extend_schema(request=s.CampaignCreateSerializer, responses={201: s.CampaignSerializer})
    def create(self, request, *args, **kwargs):
        body = s.CampaignCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        flow = selectors.allowed_flows(self.tenant).filter(pk=data["flow"]).first()
        if flow is None:
            raise ValidationError({"flow": [f"No call flow {data['flow']} is available to you."]})
        try:
            contacts = contact_lists.read_entries(
                (c["number"], c.get("name", "")) for c in data["contacts"]
            )
        except contact_lists.ListError as exc:
            raise ValidationError({"contacts": [str(exc)]}) from None
        campaign = campaign_services.campaign_create(
            tenant=self.tenant,
            user=request.user,
            flow=flow,
            caller_id=campaign_services.parse_caller_id(data["caller_id"]),
            rate=data["rate"],
            name=data["name"],
            contacts=contacts,
        )
        return Response(s.CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=filter_parameters(CampaignContactFilter),
        responses=s.CampaignContactSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def contacts(self, request, *args, **kwargs):
        """The campaign's contacts and their outcome (`?q=`, `?status=` filter), paginated."""
        contacts = selectors.campaign_contacts(self.get_object())
        contacts = filtered(request, contacts, CampaignContactFilter)
        page = self.paginate_queryset(contacts.order_by("pk"))
        return self.get_paginated_response(s.CampaignContactSerializer(page, many=True).data)

    def _control(self, act):
        campaign = act(campaign=self.get_object())
        return Response(s.CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, *args, **kwargs):
        return self._control(campaign_services.campaign_pause)

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        return self._control(campaign_services.campaign_resume)

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        return self._control(campaign_services.campaign_cancel)
