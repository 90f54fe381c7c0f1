"""The Wavix sandbox as the demo's default Wavix account, filled with a realistic account's
state (numbers held, numbers for sale, trunks, CDRs), plus the demo E911 addresses and trunks;
the first sync brings the held numbers into the inventory. Only called when the sandbox is
installed (portal/demo/__init__.py). Idempotent."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings

from portal.models import WavixAccount
from portal.services import wavix_account_save

from .e911 import seed_demo_e911
from .messaging import seed_demo_channel
from .trunks import seed_demo_trunks

SANDBOX_ACCOUNT = "Wavix sandbox"


def seed_demo_wavix(base_url: str, stdout: TextIO) -> None:
    # Imported here: the sandbox's modules can be imported only where it is installed.
    from sandbox.wavix import demo as sandbox

    sandbox.seed_account(stdout)
    added = seed_demo_e911()
    if added:
        stdout.write(f"gave {added} demo numbers an E911 address (some have none)")
    account = WavixAccount.objects.filter(name=SANDBOX_ACCOUNT).first()
    if account is None or account.base_url != base_url:
        wavix_account_save(
            account=account,
            name=SANDBOX_ACCOUNT,
            base_url=base_url,
            auth_mode="bearer",
            api_key=settings.WAVIX_SANDBOX_API_KEY,
            is_default=True,
        )
        stdout.write(f"Wavix account “{SANDBOX_ACCOUNT}” points at {base_url}")
    account = WavixAccount.objects.get(name=SANDBOX_ACCOUNT)
    seed_demo_trunks(account, stdout)
    seed_demo_channel(account, stdout)
