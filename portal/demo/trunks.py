"""Demo trunks: on the Wavix sandbox a digest trunk shared with Acme and an IP-authenticated
trunk (awaiting Wavix's approval) shared with Globex, each tenant with a pool of held numbers
on it, some days of calls through them, and those calls pulled into the portal. Idempotent.

The sandbox lives in this process's database, so the trunks are made there directly and the
portal reads the sandbox in-process (no server is running while the demo is seeded)."""

from __future__ import annotations

from django.db import transaction

from dids.selectors import owner_of
from portal.wavix.client import WavixClient, session_for_account
from tenants.models import Tenant
from trunks import services
from trunks.models import SipTrunk
from trunks.services import cdrs
from trunks.services.trunks import _apply_wavix

DEMO = [
    # label, tenant slug, IP authentication address (None: digest)
    ("Acme HQ PBX (digest)", "acme", None),
    ("Globex PBX (IP auth)", "globex", "203.0.113.10"),
]
PASSWORD = "Demo-Trunk-Pass-2026"
CALL_DAYS, CALLS_PER_DAY = 10, 12


def _config(label: str, callerid: str, ip: str | None) -> dict:
    return {
        "label": label,
        "password": PASSWORD,
        "callerid": callerid,
        "multiple_numbers": False,
        "host_request_ip": ip,
        "ip_restrict": bool(ip),
        "allowed_ips": [{"id": 1, "ip": ip}] if ip else [],
        "didinfo_enabled": True,
        "call_restrict": True,
        "call_limit": 3600,
        "cost_limit": True,
        "max_call_cost": "2.50",
        "channels_restrict": True,
        "max_channels": 20,
        "rewrite_enabled": False,
        "rewrite_prefix": "",
        "rewrite_cond": "",
        "call_recording_enabled": not ip,
        "transcription_enabled": False,
        "transcription_threshold": 6,
        "machine_detection_enabled": False,
        "encrypted_media": False,
    }


def _free_numbers(held: list[str], count: int) -> list[str]:
    """Active held numbers in no tenant's pool yet."""
    free = []
    for number in held:
        if owner_of(int(number)) is None:
            free.append(number)
        if len(free) == count:
            break
    return free


def seed_demo_trunks(account, stdout) -> None:
    from sandbox.wavix import demo as sandbox

    held = sandbox.held_numbers()
    if not held or SipTrunk.objects.filter(label=DEMO[0][0]).exists():
        return
    free = _free_numbers(held, 5 * len(DEMO))
    if len(free) < 5 * len(DEMO):
        return
    for i, (label, slug, ip) in enumerate(DEMO):
        numbers = free[i * 5 : i * 5 + 5]
        data = sandbox.trunk_create(
            config=_config(label, numbers[0], ip),
            numbers=numbers,
            call_days=CALL_DAYS,
            calls_per_day=CALLS_PER_DAY,
        )
        trunk = SipTrunk(account=account, password=PASSWORD)
        _apply_wavix(trunk, data)
        trunk.save()
        services.assignment_save(
            trunk=trunk,
            tenant=Tenant.objects.get(slug=slug),
            numbers=";".join(numbers),
            max_calls=10,
        )
        stdout.write(f"trunk “{label}” shared with {slug} ({len(numbers)} numbers)")
    # After the seed commits: no call to Wavix, even the in-process sandbox, is made inside a
    # transaction (portal/wavix/guard.py).
    transaction.on_commit(lambda: _pull_demo_calls(account, stdout))


def _pull_demo_calls(account, stdout) -> None:
    from sandbox.wavix import demo as sandbox

    session_for_account(account).mount(account.base_url, sandbox.transport())
    added = cdrs.pull(account=account, client=WavixClient.for_account(account))
    stdout.write(f"pulled {added} call records from the sandbox")
