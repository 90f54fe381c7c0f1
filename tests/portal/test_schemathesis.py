"""Generated requests over the whole API, each sent with a tenant token and a platform token,
with every schemathesis check: no 5xx, answers (errors included) as the schema says, invalid
input refused, valid input accepted. Objects named in addresses are partly real ones, so the
requests reach the views rather than stopping at a 404.

The number of examples per operation is bounded (`EXAMPLES`), so the run stays within a few
minutes on two cores."""

import json
import zlib
from functools import cache

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.core.parameters import ParameterLocation

from dids.models import E911Address, E911Drift, E911Job, E911ReconcileRun, SyncRun
from dids.services import pool_save
from messaging.models import Channel, Conversation
from trunks.services import assignment_save

from ..conftest import api_client
from ..factories import call_record, sip_trunk
from ..messaging.factories import message

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

EXAMPLES = 12

# Checks that are false positives for one operation, each with the reason. A schema states
# shapes; these operations also apply the product's rules, which a schema cannot state, so
# a request of the right shape may rightly be refused (400, naming the field and the rule):
# "positive_data_acceptance" would call that a rejected valid request.
RULES = {
    "pools": "range syntax, one owner per number, numbers in use",
    "tenants": "unique names, reserved slugs, suspended or active already",
    "trunks": "caller ID, passwords, addresses, state of the trunk on Wavix",
    "shares": "the pool's numbers, the trunk's state",
    "users": "password strength, unique e-mails",
    "members": "who may manage whom, unique e-mails, password strength",
    "e911": "numbers of the tenant, US/CA addresses, a signed validation",
    "dates": "call records start in 2000: an earlier date is refused by name",
    "accounts": "the Wavix account must exist",
    "numbers": "a phone number's rules (country code, length for the country)",
    "messages": "the tenant's sender IDs, the recipient's number and opt-outs, MMS rules",
    "channels": "one channel per Wavix account, which must exist; the settings' bounds",
    "senders": "the tenant's SMS-enabled numbers, the name rule, countries a sender may use",
    "opt-outs": "the recipient's number, the tenant's senders, one entry per pair",
    # messaging: routing (part B)
    "routing": "the tenant's SMS numbers, members, queues and endpoints; unique queue names; "
    "a queue a number routes to stays",
    # messaging: inbox (part C)
    "conversations": "who may work it, one pickup wins, the reply's send rules, open or closed",
    # the rest of Wavix (issue 15)
    "validator": "at least one number, each a phone number by its country's rules",
    "speech": "at least one word or phrase, a range of at most 92 days from 2000 on",
    "campaigns": "flows the tenant may use, its active numbers as caller ID, at least one contact",
    "documents": "the tenant allows uploads; its inactive numbers needing that type; the file's "
    "type read from its bytes, 10 MB, no password-protected or signed PDF",
}
PLATFORM, TENANT = "/api/v1", "/api/v1/tenants/{tenant_slug}"
RULED = {
    ("POST", f"{PLATFORM}/pools/"): "pools",
    ("PUT", f"{PLATFORM}/pools/{{id}}/"): "pools",
    ("DELETE", f"{PLATFORM}/pools/{{id}}/"): "pools",
    ("POST", f"{PLATFORM}/pools/preview/"): "pools",
    ("GET", f"{PLATFORM}/pools/owner/"): "numbers",
    ("POST", f"{PLATFORM}/sync-runs/"): "accounts",
    ("POST", f"{PLATFORM}/tenants/"): "tenants",
    ("PUT", f"{PLATFORM}/tenants/{{slug}}/"): "tenants",
    ("PATCH", f"{PLATFORM}/tenants/{{slug}}/"): "tenants",
    ("POST", f"{PLATFORM}/tenants/{{slug}}/suspend/"): "tenants",
    ("POST", f"{PLATFORM}/tenants/{{slug}}/reactivate/"): "tenants",
    ("POST", f"{PLATFORM}/trunks/"): "trunks",
    ("PUT", f"{PLATFORM}/trunks/{{id}}/"): "trunks",
    ("PATCH", f"{PLATFORM}/trunks/{{id}}/"): "trunks",
    ("DELETE", f"{PLATFORM}/trunks/{{id}}/"): "trunks",
    ("POST", f"{PLATFORM}/trunks/{{id}}/retry/"): "trunks",
    ("POST", f"{PLATFORM}/trunks/{{id}}/repush/"): "trunks",
    ("POST", f"{PLATFORM}/trunk-shares/"): "shares",
    ("PUT", f"{PLATFORM}/trunk-shares/{{id}}/"): "shares",
    ("DELETE", f"{PLATFORM}/trunk-shares/{{id}}/"): "shares",
    ("POST", f"{PLATFORM}/trunk-shares/{{id}}/route/"): "shares",
    ("POST", f"{PLATFORM}/users/"): "users",
    ("PUT", f"{PLATFORM}/users/{{id}}/"): "users",
    ("PATCH", f"{PLATFORM}/users/{{id}}/"): "users",
    ("GET", f"{PLATFORM}/cdrs/"): "dates",
    ("GET", f"{TENANT}/cdrs/"): "dates",
    ("POST", f"{TENANT}/members/"): "members",
    ("PATCH", f"{TENANT}/members/{{id}}/"): "members",
    ("DELETE", f"{TENANT}/members/{{id}}/"): "members",
    ("POST", f"{TENANT}/e911/"): "e911",
    ("DELETE", f"{TENANT}/e911/{{number}}/"): "e911",
    ("POST", f"{TENANT}/e911/validate/"): "e911",
    ("PATCH", f"{TENANT}/trunks/{{id}}/"): "shares",
    ("GET", f"{PLATFORM}/messages/"): "dates",
    ("GET", f"{TENANT}/messages/"): "dates",
    ("POST", f"{TENANT}/messages/"): "messages",
    ("POST", f"{PLATFORM}/channels/"): "channels",
    ("PATCH", f"{PLATFORM}/channels/{{id}}/"): "channels",
    ("PUT", f"{PLATFORM}/channels/{{id}}/"): "channels",
    ("DELETE", f"{PLATFORM}/channels/{{id}}/"): "channels",
    ("POST", f"{TENANT}/sender-ids/"): "senders",
    ("POST", f"{TENANT}/sender-ids/{{id}}/countries/"): "senders",
    ("DELETE", f"{TENANT}/sender-ids/{{id}}/"): "senders",
    ("POST", f"{TENANT}/opt-outs/"): "opt-outs",
    ("DELETE", f"{TENANT}/opt-outs/{{id}}/"): "opt-outs",
    # messaging: routing (part B)
    ("POST", f"{TENANT}/queues/"): "routing",
    ("PUT", f"{TENANT}/queues/{{id}}/"): "routing",
    ("PATCH", f"{TENANT}/queues/{{id}}/"): "routing",
    ("DELETE", f"{TENANT}/queues/{{id}}/"): "routing",
    ("PUT", f"{TENANT}/routing-rules/{{number}}/"): "routing",
    ("PATCH", f"{TENANT}/routing-rules/{{number}}/"): "routing",
    # messaging: inbox (part C)
    ("GET", f"{TENANT}/conversations/"): "conversations",
    ("POST", f"{TENANT}/conversations/{{id}}/reply/"): "conversations",
    ("POST", f"{TENANT}/conversations/{{id}}/assign/"): "conversations",
    ("POST", f"{TENANT}/conversations/{{id}}/close/"): "conversations",
    ("POST", f"{TENANT}/conversations/{{id}}/reopen/"): "conversations",
    # the rest of Wavix (issue 15)
    ("POST", f"{TENANT}/validation-jobs/"): "validator",
    ("POST", f"{TENANT}/validation-jobs/validate/"): "validator",
    ("POST", f"{TENANT}/speech-searches/"): "speech",
    ("POST", f"{TENANT}/voice-campaigns/"): "campaigns",
    ("POST", f"{TENANT}/number-documents/"): "documents",
}
EXCLUDED: dict[tuple[str, str], list[str]] = {
    operation: ["positive_data_acceptance"] for operation in RULED
}
# This test names Acme and real objects in the address (see before_call), which replaces
# the invalid tenant slug or id a negative case generated there: the request sent is valid,
# and answered. Invalid addresses are walked by tests/tenants/test_robustness.py.
for path in ("audit-log", "cdrs", "e911-jobs", "members", "messages", "trunks"):
    EXCLUDED.setdefault(("GET", f"{TENANT}/{path}/{{id}}/"), []).append("negative_data_rejection")
EXCLUDED[("PATCH", f"{TENANT}/members/{{id}}/")].append("negative_data_rejection")
# messaging: inbox (part C): the same for a conversation named in the address
for method, path in [
    ("GET", "conversations/{id}"),
    ("GET", "conversations/{id}/messages"),
    *(("POST", f"conversations/{{id}}/{verb}") for verb in ("reply", "assign", "close", "reopen")),
]:
    EXCLUDED.setdefault((method, f"{TENANT}/{path}/"), []).append("negative_data_rejection")
# A form-encoded body cannot carry a boolean: it arrives as an empty form, which changes
# nothing of the number and is answered with it.
EXCLUDED[("PATCH", f"{TENANT}/numbers/{{number}}/")] = ["negative_data_rejection"]
# The same for a password left empty in a form-encoded body: DRF reads an empty optional
# field of a form as not given, so the user is answered unchanged.
EXCLUDED[("PATCH", f"{PLATFORM}/users/{{id}}/")].append("negative_data_rejection")


@cache
def openapi_document() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


@pytest.fixture
def api_world(world, sandbox_account):
    """Acme with numbers, E911 addresses, a shared trunk, calls (one without a trunk), jobs,
    runs and drift; a tenant token (Acme's admin) and a platform token."""
    account = sandbox_account
    pool_save(tenant=world.a, text="16468097060-16468097069")
    trunk = sip_trunk(account, label="Acme trunk", sync_state="in_sync")
    with scopes_disabled():
        assignment_save(trunk=trunk, tenant=world.a, numbers="16468097180-16468097189", max_calls=2)
        call_record(account, tenant=world.a, trunk=trunk, started_at=timezone.now())
        call_record(account, tenant=world.a, started_at=timezone.now(), from_number="16468097061")
        job = E911Job.objects.create(tenant=world.a, kind="set", numbers=[16468097060], total=1)
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
        E911Drift.objects.create(account=account, number=16468097062, kind="unknown_to_portal")
        SyncRun.objects.create(account=account, status="succeeded")
        E911ReconcileRun.objects.create(account=account, status="succeeded")
        # messaging: inbox (part C): a conversation with a message
        channel = Channel.objects.create(name="Acme channel", wavix_account=account)
        now = timezone.now()
        conversation = Conversation.objects.create(
            tenant=world.a,
            channel=channel,
            our_number="16468097061",
            remote="16468097065",
            last_message_at=now,
            changed_at=now,
        )
        message(world.a, on=channel, conversation=conversation, direction="inbound")
    tokens = {
        "tenant": api_client(world.admin_a, world.a).raw_token,
        "platform": api_client(world.sysadmin).raw_token,
    }
    _real_values.cache_clear()
    try:
        yield world, tokens
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _keep_the_connection() -> None:
    """The requests go through the WSGI application itself, which closes the database
    connection around each one; as in Django's test client, it must stay open (it holds the
    test's transaction). The test client connects the handler again after each of its own
    requests, so this is called before every generated one."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


def _load_schema():
    # Loaded when the module is collected (pytest-django has set Django up by then), so each
    # operation is a test of its own; the document needs no database.
    loaded = schemathesis.openapi.from_dict(openapi_document())
    loaded.app = get_wsgi_application()
    loaded.config.generation.update(max_examples=EXAMPLES)
    # The coverage phase sends every boundary of every field (some 150 requests for one PUT)
    # whatever the bound on examples; the fuzzing phase, positive and negative, is bounded.
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


schema = _load_schema()


@cache
def _real_values(path: str, name: str, token: str) -> tuple:
    """The values of `name` in the list one level up from `path`: real objects to name."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    listing = client.get(path.split("{" + name + "}")[0].replace("{tenant_slug}", "acme"))
    if listing.status_code != 200 or not isinstance(listing.json(), dict):
        return ()
    return tuple(row[name] for row in listing.json().get("results", []) if name in row)


# The platform token to look real objects up with, while a case is to be aimed.
AIM_WITH: list[str] = []


@schemathesis.hook
def before_call(context, case, kwargs):
    """The tenant is Acme; a valid id or number is half the time one that exists. A case
    whose address is the invalid part is sent as generated. Done in this hook, so
    schemathesis checks the request as it is sent."""
    # Credentials are the token this test sends: a generated session cookie or Authorization
    # header would be replaced (the header) or outweighed (the cookie) by it, so a "negative"
    # one would be a request with valid credentials after all.
    if case.cookies:
        case.cookies.clear()
    if case.headers:
        case.headers.pop("Authorization", None)
    if not AIM_WITH:
        return
    token = AIM_WITH.pop()
    params = case.path_parameters or {}
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
        return
    if "tenant_slug" in params:
        params["tenant_slug"] = "acme"
    for name, value in list(params.items()):
        if name == "tenant_slug" or not isinstance(value, int | str):
            continue
        real = _real_values(case.path, name, token)
        pick = zlib.crc32(str(value).encode())
        if real and pick % 2 == 0:
            params[name] = real[pick % len(real)]
    _keep_the_connection()


def _negative_only_in_credentials(case) -> bool:
    """A case whose only invalid part is its headers or cookies: those are the credentials,
    which this test replaces with its token, so the request sent would be a valid one. Bad
    credentials are tested in tests/tenants/test_api.py."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    data = (ParameterLocation.PATH, ParameterLocation.QUERY, ParameterLocation.BODY)
    return not any(meta.is_negative_at(location) for location in data)


@schema.parametrize()
@settings(
    # The world is set up once per operation and its examples share it, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
    # The same requests on every run: a failure here is reproducible, never a fluke.
    derandomize=True,
)
def test_the_api_keeps_to_its_schema(case, api_world):
    _, tokens = api_world
    excluded = EXCLUDED.get((case.method.upper(), case.path), [])
    if _negative_only_in_credentials(case):
        return
    AIM_WITH[:] = [tokens["platform"]]  # once, before the first of the two calls
    for token in tokens.values():
        _keep_the_connection()
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            excluded_checks=[c for c in _checks() if c.__name__ in excluded],
        )


def _checks():
    from schemathesis.checks import CHECKS

    return CHECKS.get_all()
