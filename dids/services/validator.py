"""The number validator's writes: starting a validation job (one number or a list, its cost
estimated from the price system administrators set), a tenant's send-time check settings,
and the prices. The job itself runs on the job runner (`validator_jobs.ValidationRunner`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from portal import audit
from portal.validation import full_clean
from tenants.models import Tenant, User

from .. import selectors
from ..models import ValidationJob, ValidationPrice, ValidatorSettings
from ..validation import MAX_NUMBERS, SYNC_LIMIT, TYPES
from .validator_jobs import ValidationRunner


def validation_estimate(*, kind: str, count: int) -> tuple[Decimal, Decimal]:
    """(price per lookup, total) for `count` lookups of `kind`."""
    price = selectors.validation_prices()[kind]
    return price, price * count


def _refuse(tenant: Tenant, kind: str, numbers: list[int]):
    if kind not in TYPES:
        allowed = ", ".join(TYPES)
        raise ValidationError({"type": [f"“{kind}” is not a validation type: use {allowed}."]})
    if not numbers:
        raise ValidationError({"numbers": ["Give at least one number to validate."]})
    if len(numbers) > MAX_NUMBERS:
        raise ValidationError(
            {
                "numbers": [
                    f"{len(numbers):,} numbers given; a job validates at most {MAX_NUMBERS:,}."
                ]
            }
        )
    account = selectors.tenant_wavix_account(tenant)
    if account is None:
        raise ValidationError(
            "There is no Wavix account to validate with: a system administrator must add one first."
        )
    return account


@transaction.atomic
def validation_start(
    *,
    tenant: Tenant,
    kind: str,
    numbers: list[int],
    single: bool = False,
    user: User | None = None,
) -> ValidationJob:
    """Saves a validation job of the numbers (already parsed, without duplicates) and queues
    it: more than SYNC_LIMIT numbers go as one asynchronous Wavix request."""
    account = _refuse(tenant, kind, numbers)
    price, total = validation_estimate(kind=kind, count=len(numbers))
    job = ValidationJob(
        tenant=tenant,
        account=account,
        type=kind,
        single=single and len(numbers) == 1,
        numbers=list(numbers),
        total=len(numbers),
        run_async=len(numbers) > SYNC_LIMIT,
        price=price,
        estimated_cost=total,
        created_by=user,
    )
    full_clean(job)
    job.save()
    audit.record(
        job,
        "create",
        None,
        {"type": kind, "numbers": len(numbers), "estimated_cost": str(total)},
        message=f"Number validation started: {job}",
    )
    ValidationRunner.enqueue(job.pk)
    return job


@transaction.atomic
def validator_settings_save(
    *, tenant: Tenant, check_recipients: bool, recent_days: int
) -> ValidatorSettings:
    """Turns the send-time check on or off (audited by the model's signals)."""
    settings = selectors.validator_settings(tenant)
    settings.check_recipients, settings.recent_days = bool(check_recipients), recent_days
    full_clean(settings)
    settings.save()
    return settings


@transaction.atomic
def validation_price_save(*, kind: str, price: Decimal) -> ValidationPrice:
    """The price per lookup of a type (system administrators; audited by the signals)."""
    row = ValidationPrice.objects.filter(type=kind).first() or ValidationPrice(type=kind)
    row.price = price
    full_clean(row)
    if row.price < 0:
        raise ValidationError({"price": [f"{price} is negative; a price is 0 or more."]})
    row.save()
    return row
