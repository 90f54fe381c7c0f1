"""Trunks, shares and CDRs in the REST API: the same rules and messages as the browser."""

import pytest
from django_scopes import scopes_disabled

from sandbox.wavix.models import SandboxTrunk
from trunks.models import SipTrunk, TrunkAssignment
from trunks.tasks import pull_cdrs

from .conftest import digest, share

pytestmark = pytest.mark.django_db


def test_create_update_and_delete_a_trunk_through_the_api(wavix, api_as, run_tasks):
    api = api_as(wavix.world.sysadmin)
    body = {**digest(wavix.active[0]), "account": wavix.account.pk, "allowed_ips": []}
    created = run_tasks(api.post, "/api/v1/trunks/", body, format="json")
    assert created.status_code == 202, created.json()
    trunk = SipTrunk.objects.get()
    assert trunk.sync_state == "in_sync"
    assert created.json()["password"] == "********"

    changed = run_tasks(
        api.patch, f"/api/v1/trunks/{trunk.pk}/", {"max_channels": 30}, format="json"
    )
    assert changed.status_code == 202
    assert SandboxTrunk.objects.get(pk=trunk.wavix_id).max_channels == 30
    assert SandboxTrunk.objects.get(pk=trunk.wavix_id).password == "Str0ng-Passw0rd-1"

    assert run_tasks(api.delete, f"/api/v1/trunks/{trunk.pk}/").status_code == 202
    assert not SipTrunk.objects.exists()


def test_bad_input_gets_field_errors(wavix, api_as):
    api = api_as(wavix.world.sysadmin)
    body = {
        **digest(wavix.active[0]),
        "account": wavix.account.pk,
        "allowed_ips": ["0.0.0.0/0", "10.1.1.1"],
        "call_limit": 99999,
        "password": "short",
    }
    response = api.post("/api/v1/trunks/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (
        "“0.0.0.0/0” is broader than /27: Wavix takes single addresses"
        in (errors["allowed_ips"][0])
    )
    assert "“10.1.1.1” is not a public address" in errors["allowed_ips"][1]
    assert "99999 is outside Wavix's range" in errors["call_limit"][0]
    assert "at least 12 characters" in errors["password"][0]
    assert not SipTrunk.objects.exists()


def test_shares_through_the_api_keep_the_pool_rules(make_trunk, wavix, api_as):
    trunk = make_trunk()
    api = api_as(wavix.world.sysadmin)
    n = wavix.active
    created = api.post(
        "/api/v1/trunk-shares/",
        {"trunk": trunk.pk, "tenant": "acme", "numbers": f"{n[0]};{n[1]}", "max_calls": 3},
        format="json",
    )
    assert created.status_code == 201 and created.json()["size"] == 2
    refused = api.post(
        "/api/v1/trunk-shares/",
        {"trunk": trunk.pk, "tenant": "globex", "numbers": str(n[1]), "max_calls": 3},
        format="json",
    )
    assert refused.status_code == 400
    assert "already belong to Acme Telecom" in str(refused.json()["errors"])


def test_tenant_api_shows_its_trunks_and_sets_caller_ids(make_trunk, wavix, api_as):
    trunk = make_trunk()
    n = wavix.active
    assignment = share(trunk, wavix.world.a, f"{n[0]};{n[1]}")
    api = api_as(wavix.world.admin_a, wavix.world.a)
    listing = api.get("/api/v1/tenants/acme/trunks/").json()
    assert listing["results"][0]["trunk"]["username"] == trunk.sip_username
    assert "password" not in str(listing)
    bad = api.patch(
        f"/api/v1/tenants/acme/trunks/{assignment.pk}/", {"caller_ids": ["12"]}, format="json"
    )
    assert bad.status_code == 400 and "is not a phone number" in str(bad.json())
    ok = api.patch(
        f"/api/v1/tenants/acme/trunks/{assignment.pk}/", {"caller_ids": [str(n[1])]}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["caller_ids"] == [n[1]]
    with scopes_disabled():
        assert TrunkAssignment.objects.get().caller_ids == [n[1]]


def test_tenant_cdrs_through_the_api(wavix, api_as):
    from dids.services import pool_save
    from sandbox.wavix.models import SandboxCdr

    caller = SandboxCdr.objects.filter(direction="placed").first().caller
    pool_save(tenant=wavix.world.a, text=caller)
    pull_cdrs()
    body = api_as(wavix.world.admin_a, wavix.world.a).get("/api/v1/tenants/acme/cdrs/").json()
    assert body["count"] > 0
    assert all(caller in (r["from_number"], r["to_number"]) for r in body["results"])
    everything = api_as(wavix.world.sysadmin).get("/api/v1/cdrs/?direction=received").json()
    assert everything["count"] == SandboxCdr.objects.filter(direction="received").count()


def test_a_share_names_its_trunk_and_tenant(wavix, api_as):
    api = api_as(wavix.world.sysadmin)
    body = {"numbers": str(wavix.active[0]), "max_calls": 1}
    response = api.post("/api/v1/trunk-shares/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {"trunk": ["This field is required."], "tenant": ["This field is required."]}
    assert not TrunkAssignment.objects.exists()


def test_digits_that_are_not_ascii_are_refused_naming_the_field(make_trunk, wavix, api_as):
    trunk = make_trunk()
    api = api_as(wavix.world.sysadmin)
    url = f"/api/v1/trunks/{trunk.pk}/"
    response = api.patch(url, {"callerid": "1646809706²"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["callerid"] == [
        "“1646809706²” is not a phone number in E.164 digits (8 to 15 digits): it has "
        "characters other than digits (spaces, brackets, dots and dashes may separate them)."
    ]
    response = api.patch(url, {"rewrite_enabled": True, "rewrite_prefix": "1²"}, format="json")
    assert response.status_code == 400
    assert "“1²” is not a prefix" in response.json()["errors"]["rewrite_prefix"][0]


def test_oversized_values_are_refused_by_size_before_they_are_parsed(make_trunk, wavix, api_as):
    from ..conftest import login

    api = api_as(wavix.world.sysadmin)
    body = {
        **digest(wavix.active[0]),
        "account": wavix.account.pk,
        "allowed_ips": ["203.0.113.10"] * 1001,
        "callerid": "1" * 10_000,
    }
    errors = api.post("/api/v1/trunks/", body, format="json").json()["errors"]
    assert "no more than 1000" in str(errors["allowed_ips"])
    assert "no more than 32 characters" in str(errors["callerid"])
    long_address = {**body, "allowed_ips": ["1" * 10_000], "callerid": str(wavix.active[0])}
    errors = api.post("/api/v1/trunks/", long_address, format="json").json()["errors"]
    assert "no more than 64 characters" in str(errors["allowed_ips"])

    page = login(wavix.world.sysadmin).post(
        "/platform/trunks/new/",
        {**body, "allowed_ips": "203.0.113.10\n" * 1000, "callerid": "1" * 10_000},
    )
    text = page.content.decode()
    assert "Ensure this value has at most 4096 characters (it has 12999)." in text
    assert "Ensure this value has at most 32 characters (it has 10000)." in text
    assert not SipTrunk.objects.exists()

    trunk = make_trunk()
    assignment = share(trunk, wavix.world.a, str(wavix.active[0]))
    tenant = api_as(wavix.world.admin_a, wavix.world.a)
    url = f"/api/v1/tenants/acme/trunks/{assignment.pk}/"
    too_many = tenant.patch(url, {"caller_ids": ["1"] * 1001}, format="json")
    assert too_many.status_code == 400 and "no more than 1000" in str(too_many.json())
    too_long = tenant.patch(url, {"caller_ids": ["1" * 100]}, format="json")
    assert too_long.status_code == 400 and "no more than 32 characters" in str(too_long.json())
    page = login(wavix.world.admin_a).post(
        f"/t/acme/trunks/{assignment.pk}/", {"caller_ids": "1\n" * 3000}
    )
    assert "at most 4096 characters (it has 5999)" in page.content.decode()
