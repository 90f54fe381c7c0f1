"""Messaging tests talk to the Wavix sandbox in-process: its numbers synced into the portal,
a messaging channel on the sandbox account, and tenant A holding some SMS-enabled numbers."""

from types import SimpleNamespace

import pytest
from django_scopes import scopes_disabled

from dids import services as dids_services
from dids.models import Did
from messaging.models import Channel
from sandbox.wavix.seed import seed_account

# messaging: the DIDWW channel on its fake (didww_support.py)
from .didww_support import didww  # noqa: F401

# messaging: intake (part A) - the inbound tests' fixtures (routing stood in for, receive)
from .intake_support import receive, routed  # noqa: F401


@pytest.fixture
def senders_env(world, sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=40)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    channel = Channel.objects.create(name="Wavix main", wavix_account=sandbox_account)
    dids = Did.objects.filter(account=sandbox_account, status="active")
    sms = sorted(dids.filter(sms_enabled=True).values_list("number", flat=True))
    plain = sorted(dids.filter(sms_enabled=False).values_list("number", flat=True))
    assert len(sms) >= 4 and plain
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text=";".join(map(str, sms[:3] + plain[:1])))
        dids_services.pool_save(tenant=world.b, text=str(sms[3]))
    return SimpleNamespace(
        world=world,
        account=sandbox_account,
        channel=channel,
        sms=sms[:3],
        plain=plain[0],
        b_number=sms[3],
    )
