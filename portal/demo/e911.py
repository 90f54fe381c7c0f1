"""Demo E911 addresses: some of the demo tenants' numbers have one, registered on the Wavix
sandbox too (so the reconcile finds no drift), and the rest have none (so the dashboards show
the alert). Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.models import E911Address
from dids.selectors import owner_of

_BROADWAY = {"street_number": "233", "street": "Broadway", "city": "New York", "state": "NY"}
_ADAMS = {"street_number": "200", "street": "W Adams St", "city": "Chicago", "state": "IL"}
DEMO = [
    # number, name, address (validated by the sandbox's street guide)
    (16468097065, "Acme New York", {**_BROADWAY, "location": "Floor 12", "zip_code": "10279"}),
    (16468097066, "Acme New York", {**_BROADWAY, "location": "Floor 12", "zip_code": "10279"}),
    (13125550100, "Acme Chicago", {**_ADAMS, "location": "Suite 400", "zip_code": "60661"}),
    (13125550101, "Acme Chicago", {**_ADAMS, "location": "Suite 400", "zip_code": "60661"}),
    (13125550102, "Acme Chicago", {**_ADAMS, "location": "Suite 410", "zip_code": "60661"}),
    (
        12125550000,
        "Globex HQ",
        {"street_number": "1", "street": "Broadway", "city": "New York", "state": "NY"}
        | {"location": "Floor 3", "zip_code": "10004"},
    ),
]


def seed_demo_e911() -> int:
    """Registers the demo addresses on the sandbox and in the portal; returns how many new."""
    from sandbox.wavix import demo as sandbox

    added, now = 0, timezone.now()
    with scopes_disabled(), transaction.atomic():
        for number, name, address in DEMO:
            owner = owner_of(number)
            if owner is None or E911Address.objects.filter(number=number).exists():
                continue
            corrected = sandbox.e911_register(number=number, name=name, address=address)
            E911Address.objects.create(
                tenant_id=owner.tenant_id,
                number=number,
                name=name,
                status=E911Address.Status.PROVISIONED,
                validated_at=now,
                provisioned_at=now,
                **corrected,
            )
            added += 1
    return added
