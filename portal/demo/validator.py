"""Demo number validation jobs for Acme: one number validated (laid out as Wavix's table) and a
list with a mix of results (mobile and landline, one unallocated, one risky, one roaming, one
unreachable), as the Wavix sandbox answers them. Idempotent: nothing is added once Acme has a
validation job."""

from __future__ import annotations

from typing import TextIO

from django.db.models import Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.models import ValidationJob, ValidationResult
from dids.selectors import tenant_wavix_account, validation_prices
from dids.validation import item_number, read_item
from tenants.models import Tenant

SINGLE = 447537151866
# 16468097060-63 are risky, roaming, unallocated and unreachable in the sandbox (number % 23).
LIST = [16468097060 + i for i in range(10)] + [13125550100, 13125550101, 971569483322]


def _job(tenant, account, kind: str, numbers: list[int], *, single: bool) -> ValidationJob:
    from sandbox.wavix import demo as sandbox

    price, now = validation_prices()[kind], timezone.now()
    job = ValidationJob.objects.create(
        tenant=tenant,
        account=account,
        type=kind,
        single=single,
        numbers=numbers,
        total=len(numbers),
        price=price,
        estimated_cost=price * len(numbers),
        status=ValidationJob.Status.SUCCEEDED,
        started_at=now,
        finished_at=now,
        created_by=getattr(tenant.memberships.filter(role="admin").first(), "user", None),
    )
    rows = [
        ValidationResult(
            tenant=tenant, job=job, number=item_number(item), validated_at=now, **read_item(item)
        )
        for item in sandbox.validation_items(numbers=numbers, depth=kind)
    ]
    ValidationResult.objects.bulk_create(rows)
    job.validated = len(rows)
    job.invalid = sum(1 for r in rows if not r.valid)
    job.total_cost = job.results.aggregate(c=Sum("cost"))["c"] or 0
    job.note = f"{job.validated} of {job.total} validated; {job.invalid} invalid."
    job.save(update_fields=["validated", "invalid", "total_cost", "note"])
    return job


def seed_demo_validator(stdout: TextIO) -> None:
    with scopes_disabled():
        tenant = Tenant.objects.filter(slug="acme").first()
        account = tenant_wavix_account(tenant) if tenant else None
        if (
            tenant is None
            or account is None
            or ValidationJob.objects.filter(tenant=tenant).exists()
        ):
            return
        _job(tenant, account, "validation", [SINGLE], single=True)
        _job(tenant, account, "validation", LIST, single=False)
    stdout.write("Demo number validation jobs: 2 for Acme.\n")
