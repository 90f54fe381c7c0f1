"""Demo data for `make run` (`manage.py seed_demo`): a system administrator, two tenants each
with a tenant admin and an agent, a user in both tenants, a support-staff user, each tenant's
DID pool (Globex's with a range of a million numbers), and, when the Wavix sandbox is
installed, the sandbox as the Wavix account with demo E911 addresses and trunks on it.
Running it again changes nothing.

This is the top layer: it may import every app. The sandbox is imported only once it is known
to be installed (WAVIX_SANDBOX_ENABLED), through its one entry point `sandbox.wavix.demo`."""

from __future__ import annotations

from typing import TextIO

from django.apps import apps
from django.conf import settings
from django.db import transaction

from portal.audit import actor_context

from .documents import seed_demo_documents
from .intake import seed_demo_intake
from .providers import seed_demo_providers
from .tenants import seed_demo_tenants
from .validator import seed_demo_validator
from .wavix import seed_demo_wavix


def sandbox_enabled() -> bool:
    """Installed (at start) and still on: tests may turn the setting off for themselves."""
    return apps.is_installed("sandbox.wavix") and settings.WAVIX_SANDBOX_ENABLED


def seed_demo(*, wavix_base_url: str, stdout: TextIO) -> None:
    token = actor_context.enter_system("system:seed_demo")
    try:
        with transaction.atomic():
            seed_demo_tenants(stdout)
            seed_demo_intake(stdout)
            if sandbox_enabled():
                seed_demo_wavix(wavix_base_url, stdout)
                seed_demo_providers(wavix_base_url.removesuffix("/wavix-sandbox"), stdout)
                seed_demo_validator(stdout)
                seed_demo_documents(stdout)
            else:
                stdout.write(
                    "The Wavix sandbox is off (WAVIX_SANDBOX_ENABLED=false): no Wavix account, "
                    "E911 addresses or trunks were seeded."
                )
    finally:
        actor_context.leave(token)
