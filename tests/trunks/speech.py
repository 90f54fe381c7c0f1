"""Recorded calls on both sides of the Wavix sandbox: the sandbox's own call (with the traits
asked for: transcribed at first or not, a topic) and the portal's record of it."""

from __future__ import annotations

import datetime as dt

import requests
from django.test import Client
from django.utils import timezone

from sandbox.wavix import speech
from sandbox.wavix.models import SandboxCdr

from ..factories import call_record

OWN = "16468097181"  # the tenant's number in the tests' pools
OTHER = "13055550187"


def sandbox_call(account, *, transcribed=True, topic=None, direction="placed", days_ago=1, own=OWN):
    """A recorded, answered call of the sandbox account (drawn until its id has the traits)."""
    placed = direction == "placed"
    while True:
        cdr = SandboxCdr(
            account=account,
            direction=direction,
            date=timezone.now() - dt.timedelta(days=days_ago),
            caller=own if placed else OTHER,
            callee=OTHER if placed else own,
            disposition="answered",
            duration=95,
            destination="United States",
            per_minute="0.0095",
            charge="0.0150",
        )
        call_id = str(cdr.call_id)
        if not speech.is_recorded(call_id, "answered", 95):
            continue
        if transcribed is not None and speech.transcribed_at_first(call_id) != transcribed:
            continue
        if topic is not None and speech.topic(call_id) != topic:
            continue
        cdr.save()
        return cdr


def portal_call(account, sandbox_cdr, *, tenant, recorded=True, **fields):
    """The portal's record of a sandbox call, as the pull stores it."""
    return call_record(
        account,
        tenant=tenant,
        call_id=str(sandbox_cdr.call_id),
        direction=sandbox_cdr.direction,
        started_at=sandbox_cdr.date,
        from_number=sandbox_cdr.caller,
        to_number=sandbox_cdr.callee,
        duration=sandbox_cdr.duration,
        recorded=recorded,
        **fields,
    )


class ToPortal(requests.adapters.BaseAdapter):
    """Delivers the sandbox's webhook POSTs to the portal's own views (Django's test
    client), as Wavix's would reach it; keeps what was posted."""

    def __init__(self):
        super().__init__()
        self.client = Client()
        self.posts: list[tuple[str, int]] = []

    def send(self, request, **kwargs):
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        answer = self.client.post("/" + path, data=request.body, content_type="application/json")
        self.posts.append(("/" + path, answer.status_code))
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.content
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


def session_to(adapter) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
