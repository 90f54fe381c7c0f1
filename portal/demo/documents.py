"""Demo numbers that need documents: two German numbers of the sandbox, which Wavix holds
inactive until it has proof of identity and of address, in Acme's pool "Germany"; Acme's
admins may upload documents. A visitor of `make run` uploads one (a file whose name contains
"reject" is rejected by the sandbox's review) and sees the number turn active at the next
sync. Idempotent: nothing is added once Acme has the pool."""

from __future__ import annotations

from typing import TextIO

from django_scopes import scopes_disabled

from dids.models import DidPool
from dids.services import pool_save
from tenants.models import Tenant
from tenants.services.tenants import tenant_update

POOL = "Germany"


def seed_demo_documents(stdout: TextIO) -> None:
    from sandbox.wavix import demo as sandbox

    acme = Tenant.objects.filter(slug="acme").first()
    if acme is None:
        return
    with scopes_disabled():
        if DidPool.objects.filter(tenant=acme, name=POOL).exists():
            return
    numbers = sandbox.numbers_needing_documents(country="DE", limit=2)
    if not numbers:
        stdout.write("the sandbox holds no German number: no demo number needs documents")
        return
    pool_save(tenant=acme, text=";".join(numbers), name=POOL)
    tenant_update(tenant=acme, uploads_documents=True)
    stdout.write(f"gave acme {len(numbers)} German numbers that need documents ({POOL} pool)")
