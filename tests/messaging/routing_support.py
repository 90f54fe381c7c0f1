"""What the routing tests share: tenant A with SMS numbers, inbound messages as part A stores
them, a real local HTTP server standing in for a tenant's webhook endpoint."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Message


def inbound(channel, *, to, sender="+16468097065", text="Hello", media=(), at=None) -> Message:
    """An inbound message as intake stores it: tenant not yet known, received."""
    with scopes_disabled():
        return Message.objects.create(
            tenant=None,
            channel=channel,
            direction=Message.Direction.INBOUND,
            sender=str(sender)[:15],
            recipient=str(to),
            text=text,
            media=list(media),
            status=Message.Status.RECEIVED,
            tag=uuid.uuid4().hex,
            source="provider",
            created_at=at or timezone.now(),
        )


class Receiver:
    """A tenant's endpoint: answers each POST with the next status of `answers` (then 200),
    and keeps what it got (headers and raw body)."""

    def __init__(self):
        self.answers: list[int] = []
        self.got: list[SimpleNamespace] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.got.append(SimpleNamespace(headers=dict(self.headers), body=body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"boom: try later")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json(self, i=-1) -> dict:
        return json.loads(self.got[i].body)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    """A tenant's endpoint on this machine: loopback addresses allowed, as in make run."""
    settings.TENANT_WEBHOOK_PRIVATE_HOSTS = True
    server = Receiver()
    yield server
    server.close()
