"""Fixtures for talking to the Wavix sandbox in-process: a requests session with the
SandboxTransport mounted, authenticated with the sandbox key, and a helper that checks every
request and response against Wavix's spec."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import requests

from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.seed import seed_account
from sandbox.wavix.transport import SandboxTransport
from tests.contract.spec import SPEC, SUPPLEMENT, validate_request, validate_response

SANDBOX_BASE = "http://wavix-sandbox.test/wavix-sandbox"


def documented(method: str, path: str) -> bool:
    """Whether the spec (with the supplement) has this operation, path templates matched."""
    paths = json.loads(SPEC.read_text())["paths"]
    if SUPPLEMENT.exists():
        paths |= json.loads(SUPPLEMENT.read_text()).get("paths", {})
    segments = path.split("?")[0].strip("/").split("/")
    for template, operations in paths.items():
        parts = template.strip("/").split("/")
        same_shape = len(parts) == len(segments) and all(
            p == s or p.startswith("{") for p, s in zip(parts, segments, strict=True)
        )
        if same_shape and method.lower() in operations:
            return True
    return False


class Sandbox:
    """The sandbox as a Wavix client sees it."""

    def __init__(self, key: str):
        self.key = key
        self.transport = SandboxTransport()
        self.session = requests.Session()
        self.session.mount("http://wavix-sandbox.test/", self.transport)
        self.account = account_for_key(key)

    def prepare(self, method: str, path: str, *, auth: str = "bearer", **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        params = dict(kwargs.pop("params", {}) or {})
        if auth == "bearer":
            headers["Authorization"] = f"Bearer {self.key}"
        elif auth == "appid":
            params["appid"] = self.key
        request = requests.Request(
            method, SANDBOX_BASE + path, headers=headers, params=params, **kwargs
        )
        return self.session.prepare_request(request)

    def call(self, method: str, path: str, *, check: bool = True, timeout=None, **kwargs):
        """Sends the request; with `check`, the request and the response must both be what
        the spec allows for this operation."""
        prepared = self.prepare(method, path, **kwargs)
        if check:
            validate_request(prepared, SANDBOX_BASE)
        response = self.session.send(prepared, timeout=timeout)
        if check:
            validate_response(prepared, response, SANDBOX_BASE)
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def sandbox(db, settings) -> Sandbox:
    settings.WAVIX_SANDBOX_ENABLED = True
    return Sandbox(settings.WAVIX_SANDBOX_API_KEY)


@pytest.fixture
def seeded(sandbox) -> Sandbox:
    """The sandbox account with 40 purchased numbers, a trunk, CDRs and a sender ID."""
    seed_account(account=sandbox.account, purchased=40)
    return sandbox


class CallbackCatcher(requests.adapters.BaseAdapter):
    """Stands in for the receivers of Wavix's callbacks: records each POST and answers with
    the next scripted status (200 once the script is used up)."""

    def __init__(self, *statuses: int):
        super().__init__()
        self.statuses = list(statuses)
        self.posts: list[SimpleNamespace] = []

    def send(self, request, **kwargs):
        self.posts.append(
            SimpleNamespace(url=request.url, json=json.loads(request.body), headers=request.headers)
        )
        response = requests.Response()
        response.status_code = self.statuses.pop(0) if self.statuses else 200
        response._content = b"ok"
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


@pytest.fixture
def callbacks(monkeypatch) -> CallbackCatcher:
    """Callbacks the sandbox posts land here instead of on the network."""
    from sandbox.wavix.services import webhooks

    catcher = CallbackCatcher()

    def session() -> requests.Session:
        s = requests.Session()
        s.mount("http://", catcher)
        s.mount("https://", catcher)
        return s

    monkeypatch.setattr(webhooks, "http_session", session)
    return catcher
