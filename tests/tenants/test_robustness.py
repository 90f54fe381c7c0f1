"""Every URL pattern, taken from the URL resolver (the portal, the API, the Django admin), with
every method, as every role, answers hostile input without a server error: non-numeric and
superscript digits, huge and negative numbers, unknown choices, 10 kB strings, NUL bytes,
deeply nested and malformed JSON, wrong content types. A view added later is walked the day
it is added: the parameter names come from its filter set, its form, its serializer, the
admin's filters and every `name="…"` in the templates.

A role that a plain request shows to be turned away (login, 401, 403, 404, 405) is not sent
the hostile values for that address and method: the refusal comes before any input is read.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from dids.models import Did, DocumentUpload, E911Address, E911Job, NumberDocument, SyncRun
from dids.services import pool_save
from messaging.models import (
    CannedReply,
    Channel,
    ChannelLogEntry,
    Contact,
    Conversation,
    KeywordReplies,
    Message,
    MessageQueue,
    NumberRoute,
    OptOut,
    RelayJob,
    SenderCountry,
    SenderId,
    TenantWebhook,
    WebhookDelivery,
    WebhookEvent,
)
from trunks.models import SpeechHit, SpeechSearch, Transcript, TranscriptionJob
from trunks.services import assignment_save

from ..conftest import api_client, login
from ..factories import call_record, sip_trunk
from ..messaging.factories import message

METHODS = ["get", "post", "put", "patch", "delete"]
NESTED = "[" * 20_000  # far deeper than any parser may recurse
HOSTILE = [
    "abc",  # not a number, not a choice
    "²",  # a digit to str.isdigit(), not to int()
    "-1",
    "99999999999999999999999",  # beyond 64 bits
    "a\x00b",
    "x" * 10_240,
    NESTED,
]
# Bodies an API client can send by mistake or on purpose, with their content type.
BODIES = [
    ("{", "application/json"),
    (NESTED, "application/json"),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "application/json"),
    ("[1, 2, 3]", "application/json"),
    ("\x00\xff", "application/json"),
    ("<a>b</a>", "application/xml"),
    ("name=x", "text/plain"),
]
BLOCKED = {301, 302, 401, 403, 404, 405}
# The values sent with each `action` a view reads (every one would multiply the requests).
ACTION_VALUES = {"abc", "a\x00b", "x" * 10_240, NESTED}
# Parameters that steer a view rather than carry data: their own values come first, so the
# hostile ones reach the paths behind them.
ACTIONS_RE = re.compile(r'name="action" value="([a-z_]+)"')
NAME_RE = re.compile(r'\bname="([a-z_][a-z_0-9]*)"')


@dataclass
class Target:
    name: str
    url: str
    callback: object
    kind: str  # "ui", "api" or "admin"
    hostile_address: bool = False  # junk where an id or a number belongs: a GET is enough


def _patterns(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p


def _kwarg_names(route: str, pattern) -> list[str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    names += re.findall(r"\(\?P<(\w+)>", route)
    return list(dict.fromkeys(names))


def _view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _model_of(callback):
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    return getattr(_view_class(callback), "model", None)


def _value_for(name: str, model, world) -> object:
    if name == "tenant_slug":
        return world.a.slug
    if name in {"app_label"}:
        return None
    with scopes_disabled():
        obj = model.objects.order_by("pk").first() if model is not None else None
    if obj is None:
        return 1
    if name == "number":
        return getattr(obj, "number", None) or getattr(obj, "start", 1)
    if name == "slug":
        return getattr(obj, "slug", obj.pk)
    return obj.pk


def targets(world) -> list[Target]:
    found = []
    for route, namespace, p in _patterns():
        full = ":".join(filter(None, [namespace, p.name])) if p.name else None
        if full is None:
            continue
        kind = (
            "admin" if route.startswith("admin/") else "api" if route.startswith("api/") else "ui"
        )
        model = _model_of(p.callback)
        names = _kwarg_names(route, p.pattern)
        kwargs = {}
        if "app_label" in names:
            kwargs["app_label"] = getattr(model, "_meta", None) and model._meta.app_label
            if not kwargs["app_label"]:
                kwargs["app_label"] = "tenants"
        for name in names:
            kwargs.setdefault(name, _value_for(name, model, world))
        try:
            url = reverse(full, kwargs=kwargs)
        except NoReverseMatch:
            continue
        found.append(Target(full, url, p.callback, kind))
        # Addresses that take any text where an id or a number belongs (the API's lookups;
        # the portal's and the admin's converters or lookups refuse it before any view).
        for bad in ("abc", "99999999999999999999999") if kind == "api" else ():
            hostile = dict(kwargs)
            for name in names:
                if name not in {"tenant_slug", "app_label"}:
                    hostile[name] = bad
            if hostile == kwargs:
                break
            with contextlib.suppress(NoReverseMatch):
                url = reverse(full, kwargs=hostile)
                found.append(Target(full, url, p.callback, kind, hostile_address=True))
    return found


def _template_names() -> tuple[set[str], set[str]]:
    names, actions = set(), set()
    for path in Path(settings.BASE_DIR).glob("*/**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        names |= set(NAME_RE.findall(text))
        actions |= set(ACTIONS_RE.findall(text))
    names -= {"viewport", "htmx-config", "csrfmiddlewaretoken"}
    return names, actions


def parameter_names(callback, template_names: set[str]) -> list[str]:
    view = _view_class(callback)
    names = set(template_names) | {"page", "per_page", "ordering", "status", "kind", "format"}
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    form = getattr(view, "form_class", None)
    if form is not None and hasattr(form, "base_fields"):
        names |= set(form.base_fields)
    serializer = getattr(view, "serializer_class", None)
    if serializer is not None:
        # A serializer that needs its context to list its fields adds no names.
        with contextlib.suppress(Exception):
            names |= set(serializer().fields)
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        names |= {"q", "o", "p", "e", "_changelist_filters"}
        for item in model_admin.list_filter:
            field = item if isinstance(item, str) else item[0] if isinstance(item, tuple) else None
            if field:
                names |= {f"{field}__exact", f"{field}__id__exact", f"{field}__isnull"}
        if model_admin.date_hierarchy:
            names |= {f"{model_admin.date_hierarchy}__{p}" for p in ("year", "month", "day")}
    return sorted(names)


@pytest.fixture
def walk_world(world, sandbox_account):
    """One object of each kind in Acme, so addresses name real objects."""
    account = sandbox_account
    pool_save(tenant=world.a, text="16468097060-16468097069")
    trunk = sip_trunk(account, label="Acme trunk", sync_state="in_sync")
    with scopes_disabled():
        assignment_save(trunk=trunk, tenant=world.a, numbers="16468097180-16468097189", max_calls=2)
        call = call_record(account, tenant=world.a, trunk=trunk, started_at=timezone.now())
        # trunks: a transcript, a transcription request, a speech search with a hit
        turns = [{"speaker": "agent", "start_ms": 0, "end_ms": 800, "text": "Your invoice"}]
        Transcript.objects.create(tenant=world.a, call=call, turns=turns)
        TranscriptionJob.objects.create(tenant=world.a, call=call, token="walk-token")
        search = SpeechSearch.objects.create(
            tenant=world.a,
            date_from=timezone.localdate(),
            date_to=timezone.localdate(),
            direction="placed",
            criteria={"agent": {"must": ["invoice"]}},
        )
        SpeechHit.objects.create(tenant=world.a, search=search, call=call)
        job = E911Job.objects.create(tenant=world.a, kind="set", numbers=[16468097060], total=1)
        # numbers: an inactive number that needs documents, one uploaded, uploads allowed
        papers_did = Did.objects.create(
            account=account,
            number=16468097062,
            status="inactive",
            required_docs=["Proof of identity", "Proof of address"],
        )
        papers = DocumentUpload.objects.create(
            tenant=world.a, doc_type=1, file_name="id.png", content_type="image/png", size=9
        )
        NumberDocument.objects.create(tenant=world.a, upload=papers, did=papers_did, doc_type=1)
        world.a.uploads_documents = True
        world.a.save()
        E911Address.objects.create(
            tenant=world.a,
            number=16468097060,
            name="HQ",
            street_number="100",
            street="Main St",
            city="Springfield",
            state="IL",
            zip_code="62701",
            job=job,
        )
        SyncRun.objects.create(account=account, status="succeeded")
        # messaging: a sender ID and an opt-out
        channel = Channel.objects.create(name="Acme channel", wavix_account=account)
        sender = SenderId.objects.create(
            tenant=world.a, channel=channel, kind="alphanumeric", value="Acme"
        )
        SenderCountry.objects.create(sender=sender, tenant=world.a, country="GB")
        OptOut.objects.create(tenant=world.a, recipient="447700900123")
        # messaging: a channel's test message, debug-log entry and delivery report
        Message.objects.create(
            channel=channel,
            direction="outbound",
            sender="13125550100",
            recipient="13125550199",
            text="Hello",
            status="sent",
            tag="walk-test",
            provider_id="wavix-walk",
            source="test",
            created_at=timezone.now(),
        )
        ChannelLogEntry.objects.create(channel=channel, method="POST", url="https://x/v3/messages")
        WebhookEvent.objects.create(channel=channel, kind="dlr", body='{"status": "delivered"}')
        # messaging: intake (part A) - the keyword wording, an inbound event, a relay job
        KeywordReplies.objects.create(tenant=world.a, help_text="Acme help")
        WebhookEvent.objects.create(channel=channel, kind="inbound", body="{}", dedupe_key="walk-1")
        RelayJob.objects.create(
            account=account, numbers=[{"number": "16468097060", "url": ""}], numbers_total=1
        )
        # messaging: routing (part B): an SMS number with a rule, a queue, an endpoint with a
        # failed delivery, a waiting message
        Did.objects.create(account=account, number=16468097061, sms_enabled=True, status="active")
        queue = MessageQueue.objects.create(tenant=world.a, name="Acme support")
        NumberRoute.objects.create(
            tenant=world.a, number="16468097061", destination="queue", queue=queue
        )
        endpoint = TenantWebhook.objects.create(
            tenant=world.a, name="Acme CRM", url="https://crm.acme.example/h", secret="s"
        )
        WebhookDelivery.objects.create(
            tenant=world.a,
            endpoint=endpoint,
            event="ping",
            event_id="evt_acme",
            payload={},
            due_at=timezone.now(),
            give_up_at=timezone.now(),
            status="failed",
        )
        message(world.a, direction="inbound", recipient="16468097062", unrouted="no_destination")
        # messaging: inbox (part C): a conversation waiting in a queue the agent is in, a
        # contact and a canned reply
        queue = MessageQueue.objects.create(tenant=world.a, name="Support")
        queue.members.add(world.agent_a)
        now = timezone.now()
        Conversation.objects.create(
            tenant=world.a,
            channel=channel,
            our_number="16468097061",
            remote="16468097065",
            queue=queue,
            unread=1,
            last_message_at=now,
            changed_at=now,
        )
        Contact.objects.create(tenant=world.a, number="16468097065", name="Dana")
        CannedReply.objects.create(tenant=world.a, title="Thanks", text="Thank you!")
    world.tenant_token = api_client(world.admin_a, world.a)
    world.platform_token = api_client(world.sysadmin)
    return world


def roles(world, kind: str) -> dict[str, Client]:
    """The roles for an address, the most privileged first."""
    if kind == "admin":
        # The admin is for support staff; everyone else is sent to its login page.
        return {"support staff": login(world.support), "anonymous": Client()}
    if kind == "api":
        return {
            "API platform token": world.platform_token,
            "API tenant token": world.tenant_token,
            "anonymous": APIClient(),
        }
    return {
        "system administrator": login(world.sysadmin),
        "tenant admin": login(world.admin_a),
        "agent": login(world.agent_a),
        "anonymous": Client(),
    }


def _probing(clients: dict, target: Target, method: str) -> dict:
    """Who is sent a plain request: every role for reads and posts; the writes a page never
    takes (PUT, PATCH, DELETE) only as its most privileged role; the admin's object pages
    (change, delete, history) only as support staff."""
    if target.kind == "api" or (target.kind == "ui" and method in {"get", "post"}):
        return clients
    if target.kind == "admin" and method in {"get", "post"}:
        changelist_or_add = target.name.endswith(("_changelist", "_add", ":index"))
        return clients if changelist_or_add else dict(list(clients.items())[:1])
    return dict(list(clients.items())[:1])


def _send(client, method, url, **kwargs):
    """One request, whose writes are undone after it: every request meets the same world (a
    hostile suspension or deletion cannot hide the addresses behind it), and a request that
    breaks its transaction cannot fail the next one."""
    block = transaction.atomic()
    # Scaffolding, like the test case's own transaction: the rule that no transaction is held
    # across a call to Wavix (portal/wavix/guard.py) counts only what the code under test opens.
    block._from_testcase = True
    with block:
        response = _request(client, method, url, **kwargs)
        transaction.set_rollback(True)
    return response


def _request(client, method, url, *, params=None, body=None, content_type=None):
    if method == "get":
        return client.get(url, params or {})
    if body is not None:
        return getattr(client, method)(url, body, content_type=content_type)
    return getattr(client, method)(url, params or {})


def _reads_action(callback) -> bool:
    view = _view_class(callback)
    try:
        return view is not None and '"action"' in inspect.getsource(view)
    except (OSError, TypeError):
        return False


def _requests(target: Target, method: str, names: list[str], actions: set[str]):
    """(what is shown in a failure, keyword arguments of _send) for one address and method."""
    actions = actions if _reads_action(target.callback) else set()
    for value in HOSTILE:
        params = dict.fromkeys(names, value)
        shown = value if len(value) < 20 else f"{value[:12]}…({len(value)} chars)"
        if method == "get":
            yield f"query {shown!r}", {"params": params}
            continue
        if target.kind == "api":
            body = json.dumps(params)
            yield f"JSON {shown!r}", {"body": body, "content_type": "application/json"}
        else:
            yield f"form {shown!r}", {"params": params}
            for action in sorted(actions) if value in ACTION_VALUES else ():
                yield f"form action={action} {shown!r}", {"params": {**params, "action": action}}
    if method != "get" and target.kind == "api":
        for body, content_type in BODIES:
            shown = body if len(body) < 20 else f"{body[:12]}…({len(body)} chars)"
            yield f"{content_type} {shown!r}", {"body": body, "content_type": content_type}


@pytest.mark.django_db
def test_no_address_answers_hostile_input_with_a_server_error(walk_world):
    world = walk_world
    template_names, actions = _template_names()
    found = targets(world)
    names_found = {t.name for t in found}
    # The walk must reach the portal, the API and the admin, or it proves nothing.
    assert {
        "tenant:dashboard",
        "platform:tenant_list",
        "api:number-detail",
        "api:cdr-list",
        "admin:portal_auditentry_changelist",
    } <= names_found, sorted(names_found)
    failures: list[str] = []
    sent = 0
    for target in found:
        names = parameter_names(target.callback, template_names)
        methods = ["get"] if target.hostile_address else METHODS
        # Fresh session clients for each address: a logout must not end the walk.
        clients = roles(world, target.kind)
        for method in methods:
            reached = []
            for role, client in _probing(clients, target, method).items():
                client.raise_request_exception = False
                response = _send(client, method, target.url)
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {target.url} as {role}: plain request")
                elif response.status_code not in BLOCKED and not target.hostile_address:
                    reached.append((role, client))
            # The hostile values go to the most privileged role the address lets in, which
            # reaches every path the others reach; in the admin, to its lists (their filters
            # and date drill-down read the query string; its forms are Django's own).
            if target.kind == "admin" and not target.name.endswith("_changelist"):
                reached = []
            for role, client in reached[:1]:
                for shown, kwargs in _requests(target, method, names, actions):
                    response = _send(client, method, target.url, **kwargs)
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(
                            f"{method.upper()} {target.url} ({target.name}) as {role}: "
                            f"{shown} answered {response.status_code}"
                        )
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)
