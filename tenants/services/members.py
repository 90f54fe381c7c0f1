"""Writes for memberships: who belongs to a tenant, with which role, and who may change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_scopes import scopes_disabled

from portal.validation import full_clean

from ..models import (
    Membership,
    Role,
    Tenant,
    User,
    normalize_email,
)
from .users import user_create


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
    people instead (tenants.services.invitations), which never tells them whether an address has an
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
