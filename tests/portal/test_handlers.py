"""The portal's web applications as gunicorn (WSGI) and an ASGI server call them: a provider's
webhook under /hooks/ runs the short middleware stack (no session cookie, no CSRF cookie, no
content security policy; the request id, the host check and the HTTPS rules still apply) and
is stored as through the whole stack; every page keeps the whole stack."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.test import RequestFactory

from messaging.models import WebhookEvent
from portal import handlers
from portal.asgi import application as asgi_application
from portal.wsgi import application as wsgi_application

from ..messaging.test_channels_support import fixture, make_channel


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does: the request's start and end leave the test's database
    connection (its transaction) open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def wsgi(request, application=wsgi_application) -> tuple[int, dict[str, list[str]], bytes]:
    """The status, the headers (a list per name, lower case) and the body of `request` (a
    RequestFactory request: its WSGI environ) served by the portal's WSGI application."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = {}
        for name, value in headers:
            answer["headers"].setdefault(name.lower(), []).append(value)

    with connection_kept():
        chunks = application(request.environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], body


def post_inbound(channel, **extra):
    return RequestFactory().post(
        f"/hooks/inbound/{channel.inbound_token}/",
        data=json.dumps(fixture("inbound")),
        content_type="application/json",
        REMOTE_ADDR="62.212.73.112",
        **extra,
    )


@pytest.mark.django_db
def test_a_webhook_is_stored_on_the_short_stack_without_cookies_or_page_headers():
    channel = make_channel()
    status, headers, body = wsgi(post_inbound(channel, HTTP_X_REQUEST_ID="provider-42"))
    assert status == 200
    event = WebhookEvent.objects.get()
    assert json.loads(body) == {"ok": True, "event": event.pk}
    assert headers["x-request-id"] == ["provider-42"]  # the request id's middleware ran
    assert headers["content-length"] == [str(len(body))]  # the common middleware's
    assert "x-content-type-options" in headers  # the security middleware's
    # What only pages need did not run: sessions, CSRF, the content security policy.
    assert "set-cookie" not in headers
    assert "content-security-policy" not in headers
    assert "x-frame-options" not in headers


@pytest.mark.django_db
def test_a_webhook_for_a_host_the_portal_does_not_serve_is_refused_and_stores_nothing():
    channel = make_channel()
    status, _, _ = wsgi(post_inbound(channel, HTTP_HOST="portal.evil.example"))
    assert status == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_a_webhook_over_plain_http_is_redirected_when_https_is_required(settings):
    settings.SECURE_SSL_REDIRECT = True  # read as the middleware is built: a new application
    application = handlers.wsgi_application(WSGIHandler())
    channel = make_channel()
    status, headers, _ = wsgi(post_inbound(channel), application)
    assert status == 301
    assert headers["location"][0].startswith("https://")
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_pages_keep_the_whole_stack():
    status, headers, _ = wsgi(RequestFactory().get("/login/"))
    assert status == 200
    assert "content-security-policy" in headers
    assert headers["x-frame-options"] == ["DENY"]
    assert any(c.strip().startswith("csrftoken=") for c in headers["set-cookie"])


def asgi(path: str, root_path: str = "") -> tuple[int, dict[str, str]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": root_path,
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }
    sent, asked = [], []

    async def receive():
        asked.append(1)
        if len(asked) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays: Django stops listening when done

    async def send(message):
        sent.append(message)

    def serve():
        # A loop of its own in a thread of its own: the suite's browser tests leave one
        # running in this thread. The thread's database connections are closed after it.
        try:
            asyncio.run(asgi_application(scope, receive, send))
        finally:
            connections.close_all()

    server = threading.Thread(target=serve)
    server.start()
    server.join(timeout=30)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}


@pytest.mark.django_db(transaction=True)
def test_the_asgi_application_splits_the_same_way():
    status, headers = asgi("/hooks/mms/no-such-file.png")
    assert status == 404
    assert "content-security-policy" not in headers
    assert "x-request-id" in headers
    # Mounted below a prefix, the ASGI path holds it: the webhooks are still told apart.
    status, headers = asgi("/portal/hooks/mms/no-such-file.png", root_path="/portal")
    assert status == 404
    assert "content-security-policy" not in headers
    status, headers = asgi("/login/")
    assert status == 200
    assert "content-security-policy" in headers


@pytest.mark.django_db
def test_the_test_client_splits_as_production_does(client):
    """What every webhook test relies on (tests/conftest.py): its posts meet the short stack."""
    channel = make_channel()
    response = client.post(
        f"/hooks/inbound/{channel.inbound_token}/",
        data=json.dumps(fixture("inbound")),
        content_type="application/json",
        REMOTE_ADDR="62.212.73.112",
    )
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert "Content-Security-Policy" in client.get("/login/").headers
