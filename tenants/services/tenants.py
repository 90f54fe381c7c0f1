"""Writes for tenants: create, edit, suspend, reactivate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from phonenumbers import SUPPORTED_REGIONS

from portal.validation import full_clean

from ..models import (
    Tenant,
)


@transaction.atomic
def tenant_create(
    *,
    name: str,
    slug: str,
    contact_email: str = "",
    notes: str = "",
    default_country: str = "US",
    uploads_documents: bool = False,
) -> Tenant:
    tenant = Tenant(
        name=name.strip(),
        slug=slug.strip().lower(),
        contact_email=contact_email,
        notes=notes,
        default_country=default_country,
        uploads_documents=bool(uploads_documents),
    )
    _check_country(tenant)
    full_clean(tenant)
    tenant.save()
    return tenant


@transaction.atomic
def tenant_update(*, tenant: Tenant, **fields) -> Tenant:
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    for name, value in fields.items():
        if name not in {
            "name",
            "slug",
            "contact_email",
            "notes",
            "default_country",
            "uploads_documents",
        }:
            raise ValidationError({name: f"“{name}” cannot be changed here."})
        setattr(tenant, name, value)
    _check_country(tenant)
    full_clean(tenant)
    tenant.save()
    return tenant


def _check_country(tenant: Tenant) -> None:
    """National numbers are read in the default country, so it must be one libphonenumber
    knows."""
    code = str(tenant.default_country or "")
    if code not in SUPPORTED_REGIONS:
        raise ValidationError(
            {
                "default_country": f"“{code[:10]}” is not a country code: use an ISO 3166 "
                "code such as US, CA or GB."
            }
        )


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
