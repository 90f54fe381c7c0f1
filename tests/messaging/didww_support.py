"""What the DIDWW tests share: a DIDWW channel on the fake DIDWW answered in-process (no
socket) through the real client, the fake's callbacks reaching this process's portal, and the
webhook bodies DIDWW sends (tests/messaging/fixtures/didww/). No tests here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from messaging.hooks import dlr_url, inbound_url
from messaging.providers.http import session_for
from messaging.services.channels import channel_create
from sandbox.didww.services import deliveries
from sandbox.didww.trunks import DEMO_PASSWORD, DEMO_USERNAME, trunk_configure
from sandbox.wavix.transport import SandboxTransport

FAKE = "http://didww.test/didww-sandbox"
FIXTURES = Path(__file__).parent / "fixtures" / "didww"
NUMBERS = "13325550100-13325550109"


def fixture(name: str) -> str:
    """A body as DIDWW posts it, as text (an HTTP IN body may not be JSON)."""
    return (FIXTURES / name).read_text()


def fixture_json(name: str) -> dict:
    return json.loads(fixture(name))


class Recording(SandboxTransport):
    """The fake, answering in-process, keeping every request the portal made to it."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        return super().send(request, **kwargs)


def portal_session() -> requests.Session:
    """The fake's session for its callbacks: they reach this process's portal, no socket."""
    from django.conf import settings

    session = requests.Session()
    session.mount(settings.PORTAL_BASE_URL + "/", SandboxTransport())
    return session


def didww_channel(*, name: str = "DIDWW", password: str = DEMO_PASSWORD, **fields):
    channel = channel_create(
        kind="didww",
        name=name,
        config={"base_url": FAKE},
        credentials={"username": DEMO_USERNAME, "password": password},
        numbers=fields.pop("numbers", NUMBERS),
        rate=fields.pop("rate", 5),
        **fields,
    )
    channel.fake = Recording()
    session_for(channel).mount("http://didww.test/", channel.fake)
    return channel


@pytest.fixture
def didww(db, settings, monkeypatch):
    """A DIDWW channel on the fake, whose demo trunk posts its callbacks and HTTP IN
    deliveries to the channel's webhooks."""
    settings.WAVIX_SANDBOX_ENABLED = True
    monkeypatch.setattr(deliveries, "http_session", portal_session)
    channel = didww_channel()
    channel.trunk = trunk_configure(
        username=DEMO_USERNAME, callback_url=dlr_url(channel), inbound_url=inbound_url(channel)
    )
    return channel
