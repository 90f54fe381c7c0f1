"""What the Apidaze tests share: the fake Apidaze answering in-process (its transport mounted
on the channel's session, recording each request), an Apidaze channel on it with two
numbers, the fake's callbacks delivered to the portal's webhooks in-process, and the
webhook bodies as fixture files. No tests here."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from urllib3.response import HTTPResponse

from messaging.hooks import dlr_url, inbound_url
from messaging.providers.http import session_for
from messaging.services.channels import channel_create
from sandbox.apidaze import services as fake_services
from sandbox.apidaze.services import account_save, number_save
from sandbox.wavix.transport import SandboxTransport

FIXTURES = Path(__file__).parent / "fixtures" / "apidaze"
KEY = "ak-0123456789abcdef"
SECRET = "sec-Zq9!x7Wv4+tR2/pL"  # "+" and "/" must travel encoded in the query
BASE_URL = "http://FAKEHOST.test/apidaze-sandbox"
NUMBERS = ("13325550200", "13325550201")


def fixture(name: str, **changes: str) -> str:
    """A webhook body as the fake sends it (tests/messaging/fixtures/apidaze/<name>)."""
    body = (FIXTURES / name).read_text().strip()
    for old, new in changes.items():
        body = body.replace(old, new)
    return body


class RecordingTransport(SandboxTransport):
    """The fake, in-process, keeping each request the portal made (method, URL, body). Its
    answer's `raw` is a urllib3 response, as over a socket: the providers' client reads
    the answer from it, bounded (`raw.read(n, decode_content=True)`)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        return super().send(request, **kwargs)

    def build_response(self, request, captured: dict, content: bytes) -> requests.Response:
        response = super().build_response(request, captured, content)
        response.raw = HTTPResponse(
            body=io.BytesIO(content),
            headers=dict(response.headers),
            status=response.status_code,
            preload_content=False,
        )
        return response


@pytest.fixture
def apidaze(db, settings, monkeypatch):
    """The fake's account and an Apidaze channel on it (debug log on), the fake's callbacks
    posted to the portal in-process. `apidaze.transport.sent`: the portal's requests."""
    settings.WAVIX_SANDBOX_ENABLED = True
    settings.PORTAL_BASE_URL = "https://portal.example"
    account = account_save(api_key=KEY, api_secret=SECRET)
    channel = channel_create(
        kind="apidaze",
        name="Apidaze main",
        rate=50,
        debug_log=True,
        config={"base_url": BASE_URL},
        credentials={"api_key": KEY, "api_secret": SECRET},
        numbers=";".join(NUMBERS),
    )
    transport = RecordingTransport()
    session_for(channel).mount("http://FAKEHOST.test/", transport)
    account = account_save(api_key=KEY, api_secret=SECRET, callback_url=dlr_url(channel))
    numbers = [
        number_save(account=account, number=n, webhook_url=inbound_url(channel)) for n in NUMBERS
    ]
    portal = SandboxTransport()

    def session() -> requests.Session:
        s = requests.Session()
        s.mount(settings.PORTAL_BASE_URL + "/", portal)
        return s

    monkeypatch.setattr(fake_services, "http_session", session)
    return SimpleNamespace(channel=channel, account=account, numbers=numbers, transport=transport)
