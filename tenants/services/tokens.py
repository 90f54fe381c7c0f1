"""Writes for API tokens: create (the secret shown once), revoke, touch, expire."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.validation import full_clean

from ..access import tenant_scope
from ..models import (
    TOKEN_PREFIX,
    ApiToken,
    Tenant,
    User,
    hash_token,
)


def _parse_allowed_ips(values: list[str]) -> list[str]:
    networks, errors = [], []
    for raw in values:
        text = raw.strip()
        if not text:
            continue
        try:
            networks.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            errors.append(
                f"“{text}” is not an IP address or network (e.g. 203.0.113.7 or 203.0.113.0/24)."
            )
    if errors:
        raise ValidationError({"allowed_ips": errors})
    return networks


@transaction.atomic
def api_token_create(
    *,
    user: User,
    tenant: Tenant | None,
    name: str,
    allowed_ips: list[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is shown once and never stored."""
    if tenant is None and not user.is_system_admin:
        raise ValidationError("Only system administrators can hold platform-wide tokens.")
    max_days = settings.API_TOKEN_MAX_DAYS
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(days=max_days)
    if expires_at <= now:
        raise ValidationError({"expires_at": f"“{expires_at:%Y-%m-%d}” is in the past."})
    if expires_at > now + timedelta(days=max_days + 1):
        raise ValidationError({"expires_at": f"Tokens expire within {max_days} days at most."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        tenant=tenant,
        name=name.strip(),
        prefix=raw[:10],
        key_hash=hash_token(raw),
        allowed_ips=_parse_allowed_ips(allowed_ips or []),
        expires_at=expires_at,
    )
    full_clean(token)
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    with scopes_disabled():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save()
    return token


def api_token_touch(*, token: ApiToken, ip: str | None) -> None:
    """Records the last use, at most once a minute, without an audit entry."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < timedelta(minutes=1):
        return
    ApiToken._base_manager.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)


def api_tokens_revoke_expired() -> int:
    """Marks expired tokens revoked. Finding them crosses tenants (an explicit opt-out); each
    one is then revoked inside its own tenant's scope, locked and re-checked."""
    now = timezone.now()
    with scopes_disabled():
        expired = list(
            ApiToken.objects.filter(revoked_at__isnull=True, expires_at__lte=now).values_list(
                "pk", "tenant_id"
            )
        )
    for pk, tenant_id in expired:
        with transaction.atomic(), tenant_scope(tenant_id):
            token = ApiToken.objects.select_for_update().filter(pk=pk).first()
            if token is not None and token.revoked_at is None:
                token.revoked_at = now
                token.save()
    return len(expired)
