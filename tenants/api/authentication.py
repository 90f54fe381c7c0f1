"""`Authorization: Bearer <token>` authentication for the REST API."""

from __future__ import annotations

import ipaddress

from django.utils import timezone
from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tenants.models import TOKEN_PREFIX, ApiToken, hash_token
from tenants.services import api_token_touch


def client_ip(request) -> str | None:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        parts = header.split()
        if not parts or parts[0].lower() not in {"bearer", "token"}:
            return None
        if len(parts) != 2 or not parts[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: use 'Bearer <token>'."
            )
        # Tokens are looked up across tenants by their hash: the one explicit opt-out here.
        with scopes_disabled():
            token = (
                ApiToken.objects.select_related("user", "tenant")
                .filter(key_hash=hash_token(parts[1]))
                .first()
            )
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if token.expires_at and token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is deactivated.")
        ip = client_ip(request._request)
        if token.allowed_ips and not _ip_allowed(ip, token.allowed_ips):
            raise exceptions.AuthenticationFailed(
                f"This token may not be used from {ip}; it is restricted to "
                f"{', '.join(token.allowed_ips)}."
            )
        if token.tenant is None and not token.user.is_system_admin:
            raise exceptions.AuthenticationFailed(
                "Platform-wide tokens need a system administrator."
            )
        api_token_touch(token=token, ip=ip)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def _ip_allowed(ip: str | None, networks: list[str]) -> bool:
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in ipaddress.ip_network(n) for n in networks)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI schema."""

    target_class = "tenants.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pt_…",
            "description": "An API token created in the portal (shown once).",
        }
