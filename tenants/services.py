"""Writes for tenants, users, memberships and API tokens.

Each service validates with full_clean() inside one transaction; the audit log records the
change through the model signals. Errors name the field, the value and the rule.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.validation import full_clean

from .access import tenant_scope
from .models import (
    TOKEN_PREFIX,
    ApiToken,
    Membership,
    Role,
    Tenant,
    User,
    hash_token,
    normalize_email,
)
from .passwords import check_length as check_password_length
from .support import SUPPORT_GROUP, support_group

# Tenants -------------------------------------------------------------------------------------


@transaction.atomic
def tenant_create(*, name: str, slug: str, contact_email: str = "", notes: str = "") -> Tenant:
    tenant = Tenant(
        name=name.strip(), slug=slug.strip().lower(), contact_email=contact_email, notes=notes
    )
    full_clean(tenant)
    tenant.save()
    return tenant


@transaction.atomic
def tenant_update(*, tenant: Tenant, **fields) -> Tenant:
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    for name, value in fields.items():
        if name not in {"name", "slug", "contact_email", "notes"}:
            raise ValidationError({name: f"“{name}” cannot be changed here."})
        setattr(tenant, name, value)
    full_clean(tenant)
    tenant.save()
    return tenant


@transaction.atomic
def tenant_suspend(*, tenant: Tenant, reason: str) -> Tenant:
    """Members lose access at once (their next request is refused); API tokens of the tenant
    stop working while it is suspended. Data is kept."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason; members see it when they are refused."})
    if tenant.status == Tenant.Status.SUSPENDED:
        raise ValidationError(f"“{tenant.name}” is already suspended.")
    tenant.status = Tenant.Status.SUSPENDED
    tenant.suspended_reason = reason.strip()[:255]
    tenant.save()
    return tenant


@transaction.atomic
def tenant_reactivate(*, tenant: Tenant) -> Tenant:
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.status == Tenant.Status.ACTIVE:
        raise ValidationError(f"“{tenant.name}” is already active.")
    tenant.status = Tenant.Status.ACTIVE
    tenant.suspended_reason = ""
    tenant.save()
    return tenant


# Users ---------------------------------------------------------------------------------------


def _validate_password(password: str, user: User) -> None:
    try:
        check_password_length(password)  # first, alone: the other rules read the whole text
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _check_email_free(email: str, exclude_pk: int | None = None) -> str:
    email = normalize_email(email)
    clash = User.objects.filter(email=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": f"“{email}” already has an account."})
    return email


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    full_name: str = "",
    is_system_admin: bool = False,
    is_support: bool = False,
) -> User:
    email = _check_email_free(email)
    user = User(email=email, full_name=full_name.strip())
    _validate_password(password, user)
    user.set_password(password)
    _apply_platform_roles(user, is_system_admin=is_system_admin, is_support=is_support)
    full_clean(user)
    user.save()
    _sync_support_group(user, is_support)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    acting_user: User,
    email: str | None = None,
    full_name: str | None = None,
    is_active: bool | None = None,
    is_system_admin: bool | None = None,
    is_support: bool | None = None,
    password: str = "",
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if email is not None:
        user.email = _check_email_free(email, exclude_pk=user.pk)
    if full_name is not None:
        user.full_name = full_name.strip()
    if user.pk == acting_user.pk and is_active is False:
        raise ValidationError({"is_active": "You cannot deactivate yourself."})
    if user.pk == acting_user.pk and is_system_admin is False and user.is_superuser:
        raise ValidationError(
            {"is_system_admin": "You cannot remove your own system-administrator role."}
        )
    if is_active is not None:
        user.is_active = is_active
    if password:
        _validate_password(password, user)
        user.set_password(password)
    support = (
        is_support if is_support is not None else user.groups.filter(name=SUPPORT_GROUP).exists()
    )
    admin = is_system_admin if is_system_admin is not None else user.is_superuser
    _apply_platform_roles(user, is_system_admin=admin, is_support=support)
    full_clean(user)
    user.save()
    _sync_support_group(user, support)
    return user


def _apply_platform_roles(user: User, *, is_system_admin: bool, is_support: bool) -> None:
    user.is_superuser = is_system_admin
    user.is_staff = is_system_admin or is_support


def _sync_support_group(user: User, is_support: bool) -> None:
    group = support_group()
    in_group = user.groups.filter(pk=group.pk).exists()
    if is_support and not in_group:
        user.groups.add(group)
    elif not is_support and in_group:
        user.groups.remove(group)


# Memberships ---------------------------------------------------------------------------------


@transaction.atomic
def membership_set(*, tenant: Tenant, user: User, role: str) -> Membership:
    """Adds the user to the tenant with this role, or changes their role there."""
    if role not in Role.values:
        raise ValidationError(
            {"role": f"“{role}” is not a role; use one of {', '.join(Role.values)}."}
        )
    with scopes_disabled():
        membership = Membership.objects.select_for_update().filter(tenant=tenant, user=user).first()
        if membership is None:
            membership = Membership(tenant=tenant, user=user, role=role)
        elif membership.role == role:
            return membership
        membership.role = role
        full_clean(membership, validate_unique=False)
        membership.save()
    return membership


def check_can_manage(
    *, acting_user: User, membership: Membership, new_role: str | None = None
) -> None:
    """System administrators manage every member; tenant admins manage agents only."""
    if acting_user.is_system_admin:
        return
    if membership.role != Role.AGENT or (new_role is not None and new_role != Role.AGENT):
        raise PermissionDenied(
            "Tenant admins manage agents only; ask a system administrator to change a tenant admin."
        )


@transaction.atomic
def member_add(
    *,
    acting_user: User,
    tenant: Tenant,
    email: str,
    role: str = Role.AGENT,
    full_name: str = "",
    password: str = "",
) -> Membership:
    """A system administrator adds an existing user or creates one. Tenant admins invite
    people instead (tenants.invitations), which never tells them whether an address has an
    account."""
    if not acting_user.is_system_admin:
        raise PermissionDenied(
            "Tenant admins add people by invitation: Users → Invite in the portal, or "
            f"POST /api/v1/tenants/{tenant.slug}/invitations/."
        )
    existing = User.objects.filter(email=normalize_email(email)).first()
    if existing is not None:
        with scopes_disabled():
            if Membership.objects.filter(tenant=tenant, user=existing).exists():
                raise ValidationError(
                    {"email": f"“{existing.email}” is already a member of {tenant.name}."}
                )
        return membership_set(tenant=tenant, user=existing, role=role)
    if not password:
        raise ValidationError({"password": "Set an initial password for the new user."})
    user = user_create(email=email, password=password, full_name=full_name)
    return membership_set(tenant=tenant, user=user, role=role)


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user: User) -> None:
    if membership.user_id == acting_user.pk:
        raise ValidationError("You cannot remove yourself from the tenant.")
    with scopes_disabled():
        others = Membership.objects.filter(tenant_id=membership.tenant_id, role=Role.ADMIN).exclude(
            pk=membership.pk
        )
        if membership.role == Role.ADMIN and not others.exists():
            raise ValidationError(
                f"{membership.user} is the last tenant admin of {membership.tenant}; "
                "make someone else admin first."
            )
        membership.delete()


# API tokens ----------------------------------------------------------------------------------


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
