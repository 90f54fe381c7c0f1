"""Trunk tests talk to the Wavix sandbox in-process: 40 numbers held on the account (synced
into the portal's inventory), the sandbox's own trunk and a week of CDRs."""

from types import SimpleNamespace

import pytest
from django_scopes import scopes_disabled

from dids import services as dids_services
from dids.models import Did
from sandbox.wavix.seed import seed_account
from trunks import services
from trunks.models import SipTrunk


@pytest.fixture
def wavix(world, sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=40)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    active = sorted(
        Did.objects.filter(account=sandbox_account, status="active").values_list(
            "number", flat=True
        )
    )
    assert len(active) >= 12
    return SimpleNamespace(account=sandbox_account, active=active, world=world)


def digest(callerid: int, **overrides) -> dict:
    return {
        "label": "Acme PBX",
        "auth_method": "digest",
        "password": "Str0ng-Passw0rd-1",
        "callerid": str(callerid),
        "didinfo_enabled": True,
        "call_limit": 3600,
        "max_channels": 10,
        "transcription_threshold": 6,
        **overrides,
    }


@pytest.fixture
def make_trunk(wavix, run_tasks):
    def make(**overrides) -> SipTrunk:
        trunk = run_tasks(
            services.trunk_save, account=wavix.account, data=digest(wavix.active[0], **overrides)
        )
        trunk.refresh_from_db()
        return trunk

    return make


def share(trunk, tenant, numbers, max_calls=5):
    with scopes_disabled():
        return services.assignment_save(
            trunk=trunk, tenant=tenant, numbers=numbers, max_calls=max_calls
        )
