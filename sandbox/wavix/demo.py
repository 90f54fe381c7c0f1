"""What the portal's demo data (`manage.py seed_demo`, portal/demo/) puts on the Wavix sandbox:
the one entry point into the sandbox for demo seeding, so nothing outside the sandbox needs
its models or services. Everything works on the account of WAVIX_SANDBOX_API_KEY, in this
process's database (no server runs while the demo is seeded)."""

from __future__ import annotations

from typing import Any, TextIO

from django.conf import settings
from django.core.management import call_command

from . import lookup, payloads
from .accounts import account_for_key
from .models import SandboxAccount
from .seed import seed_cdrs
from .services.e911 import FULL_MATCH, address_validate, e911_associate
from .services.trunks import trunk_save
from .transport import SandboxTransport


def _account() -> SandboxAccount | None:
    """The demo account if it exists (it is made by `seed_account`)."""
    return SandboxAccount.objects.filter(api_key=settings.WAVIX_SANDBOX_API_KEY).first()


def seed_account(stdout: TextIO) -> None:
    """The catalogue and the demo account's realistic state (`manage.py sandbox_seed`)."""
    call_command("sandbox_seed", stdout=stdout)


def held_numbers() -> list[str]:
    """The demo account's active numbers, in order (none before `seed_account`)."""
    account = _account()
    if account is None:
        return []
    return list(
        account.numbers.filter(status="active").order_by("number").values_list("number", flat=True)
    )


def e911_register(*, number: int, name: str, address: dict[str, str]) -> dict[str, str]:
    """Registers the demo address of `number` on the sandbox and returns it as the sandbox's
    street guide standardised it; an address that does not validate as it is raises."""
    result = address_validate({**address, "zip_plus_four": ""})
    if result.status != FULL_MATCH:
        raise RuntimeError(f"The demo address of +{number} does not validate.")
    account = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    e911_associate(account=account, phone_number=str(number), name=name, address=result.corrected)
    return result.corrected


def trunk_create(
    *, config: dict[str, Any], numbers: list[str], call_days: int, calls_per_day: int
) -> dict[str, Any]:
    """Creates a trunk on the sandbox with some days of calls between `numbers` and outside
    numbers through it; returns the trunk as Wavix answers for it (details and summary)."""
    account = _account()
    if account is None:
        raise RuntimeError("The sandbox has no demo account: seed it first (seed_account).")
    trunk = trunk_save(account=account, config=config)
    seed_cdrs(
        account=account,
        numbers=numbers,
        trunk=trunk,
        days=call_days,
        per_day=calls_per_day,
        seed=f"demo-trunk:{trunk.name}",
    )
    return {**payloads.trunk(trunk), **payloads.trunk_summary(trunk)}


def transport() -> SandboxTransport:
    """A requests adapter that has this process answer for the sandbox (mount it on a Wavix
    session for the sandbox's base URL)."""
    return SandboxTransport()


def validation_items(*, numbers: list[int], depth: str) -> list[dict]:
    """What the sandbox's number validator answers for these numbers: the demo's finished
    validation jobs are the sandbox's own answers."""
    return [lookup.validate(str(n), depth) for n in numbers]


def numbers_needing_documents(*, country: str = "DE", limit: int = 2) -> list[str]:
    """`limit` of the demo account's numbers of `country` that Wavix holds inactive until it
    has proof of identity and of address (made so if the seed left none), in order."""
    from .models import SandboxNumber

    account = _account()
    if account is None:
        return []
    numbers = list(
        account.numbers.filter(city__country__short_name=country).order_by("number")[:limit]
    )
    for number in numbers:
        if number.status != SandboxNumber.Status.INACTIVE and not number.documents.exists():
            number.status, number.require_docs = SandboxNumber.Status.INACTIVE, ["1", "2"]
            number.save(update_fields=["status", "require_docs"])
    return [n.number for n in numbers]
