from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.audit import AuditViewSetMixin
from portal.api.views import PlatformViewSet
from tenants import services
from tenants.access import memberships_of
from tenants.api.base import TenantViewSet
from tenants.filters import InvitationFilter, MembershipFilter, TenantFilter, UserFilter
from tenants.models import Invitation, Membership, Tenant, User
from tenants.services import invitations

from . import serializers as s

# Reversed with a stand-in slug, then shown as the schema's paths write it.
STAND_IN = "tenant-slug-here"


def _roots(request, routers, **kwargs) -> dict[str, str]:
    return {
        prefix: request.build_absolute_uri(reverse(f"api:{basename}-list", kwargs=kwargs))
        for router in routers
        for prefix, _, basename in router.registry
    }


_links = serializers.DictField(child=serializers.URLField())


class ApiIndexView(APIView):
    """The API's addresses: the platform's (system administrators with a platform token),
    each tenant's, and those of the tenants this token or user may act in."""

    platform_routers: list = []
    tenant_routers: list = []

    @extend_schema(
        summary="List the API's addresses",
        responses=inline_serializer(
            "ApiIndex",
            {
                "me": serializers.URLField(),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
                "platform": _links,
                # Links with a {tenant_slug} placeholder: templates, not addresses.
                "tenant": serializers.DictField(child=serializers.CharField()),
                "tenants": inline_serializer(
                    "ApiIndexTenant",
                    {
                        "slug": serializers.CharField(),
                        "name": serializers.CharField(),
                        "role": serializers.CharField(),
                        "links": _links,
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        token = request.auth
        platform_token = token is None or getattr(token, "tenant_id", None) is None
        url = request.build_absolute_uri
        template = {
            name: link.replace(STAND_IN, "{tenant_slug}")
            for name, link in _roots(request, self.tenant_routers, tenant_slug=STAND_IN).items()
        }
        tenants = [
            {
                "slug": m.tenant.slug,
                "name": m.tenant.name,
                "role": m.role,
                "links": _roots(request, self.tenant_routers, tenant_slug=m.tenant.slug),
            }
            for m in memberships_of(request.user)
            if token is None or token.tenant_id in (None, m.tenant_id)
        ]
        platform_user = request.user.is_system_admin and platform_token
        return Response(
            {
                "me": url(reverse("api:me")),
                "schema": url(reverse("schema")),
                "docs": url(reverse("api_docs")),
                "platform": _roots(request, self.platform_routers) if platform_user else {},
                "tenant": template,
                "tenants": tenants,
            }
        )


class MeView(APIView):
    """Who the token (or session) belongs to, and where it may act."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request):
        token = request.auth
        tenants = [
            {"slug": m.tenant.slug, "name": m.tenant.name, "role": m.role}
            for m in memberships_of(request.user)
            if token is None or token.tenant_id in (None, m.tenant_id)
        ]
        return Response(
            {
                "email": request.user.email,
                "full_name": request.user.full_name,
                "is_system_admin": request.user.is_system_admin,
                "token": {
                    "name": token.name,
                    "prefix": token.prefix,
                    "tenant": token.tenant.slug if token.tenant else None,
                    "expires_at": token.expires_at,
                }
                if token is not None
                else None,
                "tenants": tenants,
            }
        )


class TenantApiViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PlatformViewSet,
):
    """Tenants (system administrators, with a platform-wide token)."""

    model = Tenant
    serializer_class = s.TenantSerializer
    lookup_field = "slug"
    filterset_class = TenantFilter
    ordering_fields = ["name", "created_at"]

    def perform_create(self, serializer):
        serializer.instance = services.tenant_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.tenant_update(
            tenant=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=s.TenantSuspendSerializer, responses=s.TenantSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, slug=None):
        body = s.TenantSuspendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = services.tenant_suspend(
            tenant=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(s.TenantSerializer(tenant).data)

    @extend_schema(request=None, responses=s.TenantSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, slug=None):
        tenant = services.tenant_reactivate(tenant=self.get_object())
        return Response(s.TenantSerializer(tenant).data)


class UserApiViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PlatformViewSet,
):
    """Users of the platform (system administrators)."""

    model = User
    filterset_class = UserFilter
    ordering_fields = ["email", "date_joined", "last_login"]

    def scoped_queryset(self):
        return User.objects.prefetch_related(
            Prefetch("groups", queryset=Group.objects.only("name"))
        )

    def get_serializer_class(self):
        if self.action == "create":
            return s.UserCreateSerializer
        if self.action in {"update", "partial_update"}:
            return s.UserWriteSerializer
        return s.UserSerializer

    @extend_schema(responses={201: s.UserSerializer})
    def create(self, request, *args, **kwargs):
        body = s.UserCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = services.user_create(
            email=data["email"],
            password=data["password"],
            full_name=data.get("full_name", ""),
            is_system_admin=data.get("is_superuser", False),
            is_support=data.get("is_support", False),
        )
        return Response(s.UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        body = s.UserWriteSerializer(
            self.get_object(), data=request.data, partial=kwargs.get("partial", False)
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = services.user_update(
            user=body.instance,
            acting_user=request.user,
            email=data.get("email"),
            full_name=data.get("full_name"),
            is_active=data.get("is_active"),
            is_system_admin=data.get("is_superuser"),
            is_support=data.get("is_support"),
            password=data.get("password", ""),
        )
        return Response(s.UserSerializer(user).data)


class MembershipApiViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    """The tenant's users and their roles. Tenant admins manage agents and add people by
    invitation (`invitations/`); system administrators manage everyone and add users directly."""

    model = Membership
    api_noun = ("member", "members")
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["user__email", "created_at", "role"]

    def scoped_queryset(self):
        return Membership.objects.select_related("user")

    @extend_schema(request=s.MembershipCreateSerializer, responses={201: s.MembershipSerializer})
    def create(self, request, *args, **kwargs):
        body = s.MembershipCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        membership = services.member_add(acting_user=request.user, tenant=self.tenant, **data)
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MembershipUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        body = s.MembershipUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = self.get_object()
        services.check_can_manage(
            acting_user=request.user, membership=membership, new_role=body.validated_data["role"]
        )
        membership = services.membership_set(
            tenant=self.tenant, user=membership.user, role=body.validated_data["role"]
        )
        return Response(s.MembershipSerializer(membership).data)

    def perform_destroy(self, instance):
        services.check_can_manage(acting_user=self.request.user, membership=instance)
        services.membership_remove(membership=instance, acting_user=self.request.user)


class InvitationApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Invitations to the tenant (tenant admins). Inviting answers the same whether the
    address has an account or not; the person joins once they accept."""

    model = Invitation
    serializer_class = s.InvitationSerializer
    filterset_class = InvitationFilter
    ordering_fields = ["created_at", "email", "expires_at"]
    admin_actions = {"list", "retrieve", "create", "resend", "revoke"}

    def scoped_queryset(self):
        return Invitation.objects.select_related("invited_by")

    @extend_schema(request=s.InvitationCreateSerializer, responses={201: s.InvitationSerializer})
    def create(self, request, *args, **kwargs):
        body = s.InvitationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            acting_user=request.user, tenant=self.tenant, **body.validated_data
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, *args, **kwargs):
        invitation = invitations.invitation_resend(invitation=self.get_object())
        return Response(s.InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        invitation = invitations.invitation_revoke(invitation=self.get_object())
        return Response(s.InvitationSerializer(invitation).data)


class TenantAuditViewSet(AuditViewSetMixin, TenantViewSet):
    """Changes in this tenant (tenant admins)."""

    admin_actions = {"list", "retrieve"}
