"""`/api/v1/`: the API's addresses, taken from its routers, so a new one is listed the day it
is registered."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import memberships_of

# Reversed with a stand-in slug, then shown as the schema's paths write it.
STAND_IN = "tenant-slug-here"


def _roots(request, router, **kwargs) -> dict[str, str]:
    return {
        prefix: request.build_absolute_uri(reverse(f"api:{basename}-list", kwargs=kwargs))
        for prefix, _, basename in router.registry
    }


_links = serializers.DictField(child=serializers.URLField())


class ApiIndexView(APIView):
    """The API's addresses: the platform's (system administrators with a platform token),
    each tenant's, and those of the tenants this token or user may act in."""

    platform_router = None
    tenant_router = None

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
            for name, link in _roots(request, self.tenant_router, tenant_slug=STAND_IN).items()
        }
        tenants = [
            {
                "slug": m.tenant.slug,
                "name": m.tenant.name,
                "role": m.role,
                "links": _roots(request, self.tenant_router, tenant_slug=m.tenant.slug),
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
                "platform": _roots(request, self.platform_router) if platform_user else {},
                "tenant": template,
                "tenants": tenants,
            }
        )


class ApiSchemaView(SpectacularAPIView):
    """The schema (YAML, or JSON with ?format=json); its errors in JSON like the API's."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, its init script served at ?script (not inline: CSP); a browser that is
    not signed in is sent to the login page first."""

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
