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


@pytest.fixture
def voice(wavix, hold_task, monkeypatch):
    """Voice campaigns: Acme holds three active numbers of the sandbox account, a call flow
    (#101 on the sandbox) is allowed for Acme, and the dispatcher's task is held so a test
    delivers each tick itself (ticks do not sleep for the rate)."""
    from dids.services import pool_save
    from trunks.services import campaigns, dialer

    acme = wavix.world.a
    numbers = wavix.active[:3]
    pool_save(tenant=acme, text=";".join(map(str, numbers)), name="Campaigns")
    flow = campaigns.callflow_save(
        account=wavix.account, wavix_id=101, label="Appointment reminder", tenants=[acme]
    )
    ticks = hold_task("trunks.tasks", "run_campaign")
    monkeypatch.setattr(dialer.CampaignRunner, "tick_seconds", 0.0)
    monkeypatch.setattr(dialer.CampaignRunner, "sleep", staticmethod(lambda s: None))
    return SimpleNamespace(
        account=wavix.account,
        world=wavix.world,
        tenant=acme,
        caller=numbers[0],
        flow=flow,
        ticks=ticks,
    )


# Recordings, transcripts and speech search ------------------------------------------------------


@pytest.fixture
def acme(world, sandbox_account):
    """Acme holds the numbers the speech tests' calls are made from (tests/trunks/speech.py)."""
    from dids.services import pool_save

    from .speech import OWN

    pool_save(tenant=world.a, text=f"{OWN}-{int(OWN) + 8}")
    return world.a


@pytest.fixture
def wavix_later(monkeypatch):
    """The sandbox's transcription finishes when the test says (not on its countdown)."""
    from sandbox.wavix.services import speech as sandbox_speech

    monkeypatch.setattr(sandbox_speech, "_enqueue", lambda pk: None)


@pytest.fixture
def webhooks_to_portal(monkeypatch):
    """The sandbox's transcription webhooks reach the portal's own views; `.posts` keeps them."""
    from sandbox.wavix.services import speech as sandbox_speech

    from .speech import ToPortal, session_to

    adapter = ToPortal()
    monkeypatch.setattr(sandbox_speech, "http_session", lambda: session_to(adapter))
    return adapter
