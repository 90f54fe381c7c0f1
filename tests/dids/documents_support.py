"""Shared set-up of the number-document tests: German numbers on the Wavix sandbox that need
proof of identity and of address, in tenant A's pool, synced into the inventory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from dids.documents import check
from dids.models import Did, DocumentUpload, NumberDocument
from dids.services import sync_start
from dids.services.documents import number_document_upload
from dids.services.pools import pool_save

BERLIN = [493012345670, 493012345671, 493012345672]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sandbox_german_numbers(account, numbers=BERLIN, docs=("1", "2")):
    from sandbox.wavix.models import SandboxCity, SandboxNumber
    from sandbox.wavix.seed import seed_catalogue

    seed_catalogue()
    city = SandboxCity.objects.filter(country__short_name="DE").first()
    now = timezone.now()
    return [
        SandboxNumber.objects.create(
            account=account.sandbox,
            number=str(n),
            city=city,
            activation_fee=Decimal("1"),
            monthly_fee=Decimal("2"),
            per_min=Decimal("0.01"),
            status="inactive",
            require_docs=list(docs),
            added=now,
            paid_until=(now + dt.timedelta(days=20)).date(),
        )
        for n in numbers
    ]


def set_up(world, account, run_tasks, numbers=BERLIN, docs=("1", "2")):
    """The sandbox numbers, tenant A's pool holding them, and a first sync."""
    sandbox_german_numbers(account, numbers, docs)
    pool_save(tenant=world.a, text="\n".join(str(n) for n in numbers))
    sync(run_tasks, account)


def sync(run_tasks, account):
    run_tasks(sync_start, account=account)


def did(number: int) -> Did:
    return Did.objects.get(number=number)


def upload(world, run_tasks, *, numbers=(BERLIN[0],), doc_type=1, data=PNG, name="id.png"):
    import io

    with scope(tenant=world.a):
        return run_tasks(
            number_document_upload,
            tenant=world.a,
            doc_type=doc_type,
            numbers=list(numbers),
            file=check(io.BytesIO(data), name),
            user=world.admin_a,
        )


def reload(upload_row) -> DocumentUpload:
    with scopes_disabled():
        return DocumentUpload.objects.get(pk=upload_row.pk)


def documents_of(number: int) -> list[NumberDocument]:
    with scopes_disabled():
        return list(NumberDocument.objects.filter(did__number=number).order_by("id"))
