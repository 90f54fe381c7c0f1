"""Who may act in which tenant. The tenant always comes from the URL or the API token."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_scopes import scope, scopes_disabled

from .models import ApiToken, Membership, Role, Tenant, User


class TenantSuspended(PermissionDenied):
    def __init__(self, tenant: Tenant):
        super().__init__(suspension_notice(tenant))
        self.tenant = tenant


def suspension_notice(tenant: Tenant) -> str:
    """What a suspended tenant's users read: that it is suspended, and why."""
    reason = tenant.suspended_reason.strip().rstrip(".")
    because = f" Reason: {reason}." if reason else ""
    return (
        f"The tenant “{tenant.name}” is suspended.{because} "
        "Ask a system administrator if you need it reactivated."
    )


@dataclass(frozen=True)
class TenantAccess:
    tenant: Tenant
    role: Role  # system administrators act as admins
    via_platform: bool = False  # a system administrator who is not a member

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def memberships_of(user: User | AnonymousUser) -> list[Membership]:
    """The user's tenants, for the switcher. Crosses tenants, so it opts out of the scope."""
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name")
        )


def resolve_tenant(
    user: User | AnonymousUser, slug: str, token: ApiToken | None = None
) -> TenantAccess:
    """The tenant named in the URL, if this user (and token) may act in it; otherwise 404."""
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None or not user.is_authenticated or not user.is_active:
        raise Http404("No such tenant.")
    if token is not None and token.tenant_id is not None and token.tenant_id != tenant.pk:
        raise Http404("No such tenant.")
    with scopes_disabled():
        membership = Membership.objects.filter(user=user, tenant=tenant).first()
    if membership is None:
        if user.is_system_admin:
            return TenantAccess(tenant=tenant, role=Role.ADMIN, via_platform=True)
        raise Http404("No such tenant.")
    if not tenant.is_active and not user.is_system_admin:
        raise TenantSuspended(tenant)
    role = Role.ADMIN if user.is_system_admin else Role(membership.role)
    return TenantAccess(tenant=tenant, role=role)


def tenant_scope(tenant_id: int | None) -> AbstractContextManager:
    """The scope a task re-enters for a row it acts on: its tenant's, or none for a
    platform-wide row (such as a platform API token)."""
    if tenant_id is None:
        return scopes_disabled()
    return scope(tenant=tenant_id)


def home_tenant(user: User) -> Tenant | None:
    """Where a tenant user lands after logging in: the last tenant they used, else the first."""
    memberships = [m for m in memberships_of(user) if m.tenant.is_active]
    for m in memberships:
        if m.tenant_id == user.last_tenant_id:
            return m.tenant
    return memberships[0].tenant if memberships else None


def suspended_memberships(user: User) -> list[Membership]:
    return [m for m in memberships_of(user) if not m.tenant.is_active]


def remember_tenant(user: User, tenant: Tenant) -> None:
    """Records the tenant a member works in, without an audit entry (it is not a change anyone
    made to the account), and only when it changed."""
    if user.last_tenant_id != tenant.pk:
        User.objects.filter(pk=user.pk).update(last_tenant=tenant)
        user.last_tenant_id = tenant.pk
