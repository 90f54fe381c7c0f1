"""The API as a client meets it: an index at /api/v1/, JSON errors at every /api/ address, a
schema that says what the answers are (summaries, null values, error answers, lists), junk
parameters refused by name, numbers in addresses written as the API writes them, and bounded
passwords."""

import importlib
import inspect

import pytest
import yaml
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework import serializers
from rest_framework.test import APIClient

from dids.models import E911Address
from dids.services import pool_save
from portal.models import AuditEntry

from ..conftest import api_client, login
from ..factories import call_record, wavix_account

pytestmark = pytest.mark.django_db


def schema_of(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


# The index -----------------------------------------------------------------------------------


def test_the_api_root_lists_the_platform_and_tenant_addresses_with_working_links(world):
    platform = api_client(world.sysadmin).get("/api/v1/")
    assert platform.status_code == 200
    body = platform.json()
    assert body["platform"]["tenants"] == "http://testserver/api/v1/tenants/"
    assert body["platform"]["cdrs"] == "http://testserver/api/v1/cdrs/"
    assert body["tenant"]["members"] == "http://testserver/api/v1/tenants/{tenant_slug}/members/"
    assert body["me"] == "http://testserver/api/v1/me/"

    tenant = api_client(world.admin_a, world.a)
    body = tenant.get("/api/v1/").json()
    assert body["platform"] == {}, "a tenant token is not shown the platform's addresses"
    assert [t["slug"] for t in body["tenants"]] == [world.a.slug]
    links = body["tenants"][0]["links"]
    assert set(links) == set(body["tenant"]) and "e911" in links
    for name, link in links.items():
        assert tenant.get(link).status_code == 200, name


def test_every_api_address_answers_errors_in_json_even_unmatched_ones(world, client):
    api = api_client(world.admin_a, world.a)
    for url in (
        "/api/v1/no-such-thing/",
        "/api/v2/",
        f"/api/v1/tenants/{world.a.slug}/numbers/abc/",
        f"/api/v1/tenants/{world.a.slug}/numbers/123456789012345678901234/",
        f"/api/v1/tenants/{world.a.slug}/members/999999/",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json()["detail"], url
    wrong_method = api.delete(f"/api/v1/tenants/{world.a.slug}/e911-drift/")
    assert wrong_method.status_code == 405 and "DELETE" in wrong_method.json()["detail"]
    # The portal's own pages keep their HTML error page.
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_a_server_error_in_the_api_answers_json(world, monkeypatch):
    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr("tenants.api.views.MeView.get", broken)
    api = api_client(world.admin_a, world.a)
    api.raise_request_exception = False
    response = api.get("/api/v1/me/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode() and response.json()["detail"]


# The schema and the docs -----------------------------------------------------------------------


def test_the_schema_and_docs_need_a_sign_in_or_a_token(world, settings):
    assert not settings.DEBUG
    anonymous = APIClient()
    schema = anonymous.get("/api/schema/")
    assert schema.status_code == 401 and schema["Content-Type"] == "application/json"
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/login/?next=/api/docs/")
    assert api_client(world.admin_a, world.a).get("/api/schema/").status_code == 200
    assert login(world.agent_a).get("/api/docs/").status_code == 200


def test_every_operation_has_a_summary(world):
    schema = schema_of(api_client(world.sysadmin))
    operations = [
        (method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()
    ]
    assert len(operations) > 60
    missing = [f"{m.upper()} {p}" for m, p, op in operations if not op.get("summary")]
    assert not missing, missing
    summaries = {(m, p): op["summary"] for m, p, op in operations}
    assert summaries[("get", "/api/v1/trunks/")] == "List SIP trunks"
    assert summaries[("post", "/api/v1/tenants/{slug}/suspend/")] == "Suspend a tenant"
    assert summaries[("get", "/api/v1/users/{id}/")] == "Get a user"
    assert ("post", "/api/v1/tenants/{tenant_slug}/messages/") in summaries


def test_the_schema_says_null_where_an_answer_can_be_null(world):
    schemas = schema_of(api_client(world.sysadmin))["components"]["schemas"]
    assert schemas["AuditEntry"]["properties"]["tenant"]["nullable"] is True
    assert schemas["Cdr"]["properties"]["trunk"]["nullable"] is True
    assert schemas["E911Drift"]["properties"]["tenant"]["nullable"] is True
    assert "nullable" not in schemas["Tenant"]["properties"]["name"]
    # And the API does answer null there.
    with scopes_disabled():
        AuditEntry.objects.filter(tenant__isnull=True).exists() or pytest.fail("no entry")
    call_record(wavix_account(), started_at=timezone.now())
    platform = api_client(world.sysadmin)
    assert platform.get("/api/v1/cdrs/").json()["results"][0]["trunk"] is None
    entries = platform.get("/api/v1/audit-log/", {"per_page": 500}).json()["results"]
    assert None in {e["tenant"] for e in entries}


def test_starting_e911_reconciles_answers_the_list_the_schema_describes(world):
    wavix_account()
    platform = api_client(world.sysadmin)
    operation = schema_of(platform)["paths"]["/api/v1/e911-reconcile-runs/"]["post"]
    answer = operation["responses"]["202"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array" and "results" not in str(answer)
    response = platform.post("/api/v1/e911-reconcile-runs/")
    assert response.status_code == 202 and isinstance(response.json(), list)


# Parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, name",
    [
        ({"per_page": "null"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "501"}, "per_page"),
        ({"per_page": "²"}, "per_page"),
        ({"page": "abc"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_junk_paging_and_ordering_is_refused_naming_the_parameter(world, params, name):
    response = api_client(world.sysadmin).get("/api/v1/users/", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_a_page_past_the_end_says_which_page_is_the_last(world):
    response = api_client(world.sysadmin).get("/api/v1/users/", {"page": "999"})
    assert response.status_code == 404
    assert "the last page is 1" in response.json()["detail"]


def test_numbers_in_api_addresses_may_be_written_with_a_plus(world):
    pool_save(tenant=world.a, text="12125550000-12125550009")
    with scopes_disabled():
        E911Address.objects.create(
            tenant=world.a,
            number=12125550000,
            name="HQ",
            street_number="100",
            street="Main St",
            city="Springfield",
            state="IL",
            zip_code="62701",
        )
    api = api_client(world.admin_a, world.a)
    listed = api.get(f"/api/v1/tenants/{world.a.slug}/e911/").json()["results"][0]["number"]
    assert listed == "+12125550000"
    assert api.get(f"/api/v1/tenants/{world.a.slug}/e911/{listed}/").status_code == 200
    number = api.get(f"/api/v1/tenants/{world.a.slug}/numbers/+12125550001/")
    assert number.status_code == 200 and number.json()["number"] == "+12125550001"
    changed = api.patch(
        f"/api/v1/tenants/{world.a.slug}/numbers/+12125550001/", {"label": "Desk"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["label"] == "Desk"


# Passwords -----------------------------------------------------------------------------------


def test_a_megabyte_password_is_refused_by_name(world):
    huge = "Aa1" * 350_000
    platform = api_client(world.sysadmin)
    user = platform.post(
        "/api/v1/users/", {"email": "new@portal.example", "password": huge}, format="json"
    )
    assert user.status_code == 400 and "at most 128 characters" in str(
        user.json()["errors"]["password"]
    )
    member = api_client(world.admin_a, world.a).post(
        f"/api/v1/tenants/{world.a.slug}/members/",
        {"email": "new@acme.example", "password": huge},
        format="json",
    )
    assert member.status_code == 400 and "password" in member.json()["errors"]
    trunk = platform.post("/api/v1/trunks/", {"label": "T", "password": huge}, format="json")
    assert trunk.status_code == 400 and "password" in trunk.json()["errors"]


def _api_serializers():
    for module_name in (
        "tenants.api.serializers",
        "dids.api.serializers",
        "trunks.api.serializers",
        "portal.api.audit",
    ):
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and cls.__module__ == module_name:
                yield cls


def test_every_secret_the_api_takes_has_a_maximum_length():
    secrets = []
    for cls in _api_serializers():
        for name, field in cls().fields.items():
            secret = any(w in name for w in ("password", "secret", "key"))
            if field.read_only or not secret or not isinstance(field, serializers.CharField):
                continue
            secrets.append(f"{cls.__name__}.{name}")
            assert field.max_length, secrets[-1]
    assert "TrunkWriteSerializer.password" in secrets and "UserSerializer.password" in secrets
