"""Gateway channels against the gateways' fake, in-process: a channel made from a preset and
pointed at the fake (`http://gateway-sandbox.test/gateway-sandbox/<gateway>/...`) with the
fake's credentials, its pooled session answered by the SandboxTransport, and the fake's
delivery reports posted to the portal's own webhook in-process."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
import requests

from messaging.gateway_presets import preset
from messaging.hooks import dlr_url
from messaging.providers.http import session_for
from messaging.services.channels import channel_create
from sandbox.gateways import services as fake
from sandbox.gateways.credentials import HEADERS
from sandbox.gateways.transport import GatewayTransport as SandboxTransport
from tests.mail import smtp_server  # noqa: F401 - the fixture

FAKE = "http://gateway-sandbox.test/gateway-sandbox"
PORTAL = "http://portal.test"


def gateway_config(gateway: str, **changes) -> dict:
    return {**preset(gateway, base_url=FAKE), "headers": None, **changes}


@pytest.fixture
def portal_callbacks(settings, monkeypatch) -> SandboxTransport:
    """The fake's callbacks reach this process's portal webhooks (no socket)."""
    settings.PORTAL_BASE_URL = PORTAL
    transport = SandboxTransport()

    def session() -> requests.Session:
        s = requests.Session()
        s.mount(f"{PORTAL}/", transport)
        return s

    monkeypatch.setattr(fake, "http_session", session)
    return transport


@pytest.fixture
def make_gateway(db, settings, portal_callbacks):
    """`make_gateway("bulksms", numbers=..., **config)`: a channel from the preset on the
    fake, the fake's account posting its delivery reports to the channel's webhook."""

    def make(gateway: str, *, numbers: str = "13325550300-13325550301", debug_log=False, **config):
        values = gateway_config(gateway, **config)
        values.pop("headers")
        channel = channel_create(
            kind="gateway",
            name=f"{gateway} {uuid.uuid4().hex[:6]}",
            config=values,
            credentials={"headers": HEADERS[gateway]},
            numbers=numbers,
            debug_log=debug_log,
        )
        transport = SandboxTransport()
        session_for(channel).mount("http://gateway-sandbox.test/", transport)
        account = fake.account_set(gateway=gateway, dlr_url=dlr_url(channel), balance=100)
        return SimpleNamespace(channel=channel, transport=transport, account=account)

    return make
