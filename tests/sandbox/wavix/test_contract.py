"""The sandbox answers like Wavix: every endpoint, requests and responses checked against the
spec (tests/contract/spec.py), Wavix's pagination and error format, both ways of passing the
API key, and nothing at all when the sandbox is switched off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.checks import run_checks

from sandbox.wavix.models import SandboxNumber, SandboxStockNumber

from .conftest import SANDBOX_BASE, documented

pytestmark = pytest.mark.django_db

TRUNK = {
    "label": "Acme PBX",
    "password": "Str0ng-Passw0rd",
    "callerid": "",
    "multiple_numbers": True,
    "ip_restrict": False,
    "didinfo_enabled": True,
    "call_restrict": True,
    "call_limit": 600,
    "cost_limit": True,
    "max_call_cost": 0.18,
    "channels_restrict": False,
    "rewrite_enabled": False,
    "transcription_enabled": False,
    "transcription_threshold": 6,
}


def sms_number(sandbox) -> SandboxNumber:
    return sandbox.account.numbers.filter(sms_enabled=True, status="active").first()


def test_profile_reads_and_updates_as_the_spec_says(sandbox):
    assert sandbox.get("/v1/profile").json()["email"]
    body = {
        "first_name": "Ada",
        "dlr_relay_url": "https://portal.example/hooks/dlr",
        "sms_relay_url": "https://portal.example/hooks/inbound",
        "time_zone": "Europe/Berlin",
        "company_info": {"name": "Acme", "industry": "telecommunications", "country_code": "US"},
    }
    profile = sandbox.put("/v1/profile", json=body).json()
    assert profile["first_name"] == "Ada" and profile["timezone"] == "Europe/Berlin"
    assert profile["company_info"]["country"]["country_name"] is None  # catalogue not seeded
    sandbox.account.refresh_from_db()
    assert sandbox.account.dlr_relay_url == "https://portal.example/hooks/dlr"


def test_buying_endpoints_answer_as_the_spec_says(seeded):
    countries = seeded.get("/v1/buy/countries").json()["countries"]
    us = next(c for c in countries if c["name"] == "United States")
    gb = next(c for c in countries if c["name"] == "United Kingdom")
    assert us["has_provinces_or_states"] and not gb["has_provinces_or_states"]
    texting = seeded.get("/v1/buy/countries", params={"text_enabled_only": "true"}).json()
    assert {c["name"] for c in texting["countries"]} == {"United States", "Canada"}

    regions = seeded.get(f"/v1/buy/countries/{us['id']}/regions").json()["regions"]
    new_york = next(r for r in regions if r["name"] == "New York")
    cities = seeded.get(f"/v1/buy/countries/{us['id']}/regions/{new_york['id']}/cities").json()
    assert [c["name"] for c in cities["cities"]] == ["NEW YORK, NY"]
    city = cities["cities"][0]
    assert seeded.get(f"/v1/buy/countries/{gb['id']}/cities").json()["cities"]

    dids = seeded.get(
        f"/v1/buy/countries/{us['id']}/cities/{city['id']}/dids",
        params={"text_enabled_only": "true", "per_page": 5},
    ).json()
    assert len(dids["dids"]) == 5 and all(d["sms_enabled"] for d in dids["dids"])
    assert dids["pagination"]["total"] > 5

    number = dids["dids"][0]["number"]
    in_cart = seeded.put("/v1/buy/cart", json={"ids": [number]}).json()
    assert [d["number"] for d in in_cart] == [number]
    assert seeded.get("/v1/buy/cart").json()["dids"][0]["number"] == number
    assert seeded.delete("/v1/buy/cart", json={"ids": [number]}).json() == {"success": True}
    seeded.put("/v1/buy/cart", json={"ids": [number]})
    assert seeded.post("/v1/buy/cart/checkout", json={"ids": [number]}).status_code == 201


def test_a_country_without_regions_answers_422(seeded):
    response = seeded.get("/v1/buy/countries/8726/regions")
    assert response.status_code == 422
    assert response.json() == {
        "success": False,
        "message": "United Kingdom has no regions: list its cities instead",
    }


def test_number_endpoints_answer_as_the_spec_says(seeded):
    listed = seeded.get("/v1/numbers", params={"per_page": 10}).json()
    assert listed["doc_types"] and len(listed["items"]) == 10
    number = sms_number(seeded)
    trunk = seeded.account.trunks.first()
    one = seeded.get(f"/v1/numbers/{number.pk}").json()
    assert one["number"] == number.number and one["status"] == "active"
    changed = seeded.patch(
        f"/v1/numbers/{number.pk}",
        json={
            "sms_relay_url": "https://portal.example/inbound",
            "destinations": [
                {"destination": "[did]@sip.acme.example", "priority": 1, "transport": 1},
                {"destination": "x", "priority": 2, "transport": 5, "trunk_id": trunk.pk},
            ],
        },
    ).json()
    assert changed["sms_relay_url"] == "https://portal.example/inbound"
    assert [d["transport"] for d in changed["destination"]] == [1, 5]
    assert changed["destination"][1]["trunk_label"] == trunk.label
    ids = [n["id"] for n in listed["items"][:3]]
    bulk = seeded.patch("/v1/numbers", json={"ids": ids, "destinations": []}).json()
    assert sorted(n["id"] for n in bulk["items"]) == sorted(ids)
    assert all(n["destination"] == [] for n in bulk["items"])
    assert seeded.delete("/v1/numbers", params={"ids": ids[:2]}).json() == {"success": True}
    released = listed["items"][2]["number"]
    assert seeded.delete("/v1/numbers", params={"dids": released}).json() == {"success": True}
    assert not seeded.account.numbers.filter(pk__in=ids).exists()
    assert SandboxStockNumber.objects.filter(number=released).exists()


def test_trunk_endpoints_answer_as_the_spec_says(seeded):
    assert seeded.get("/v1/trunks").json()["sip_trunks"]
    created = seeded.post("/v1/trunks", json=TRUNK)
    assert created.status_code == 201
    trunk = created.json()
    assert trunk["multiple_numbers"] and not trunk["passthrough"] and trunk["callerid"] == ""
    assert seeded.get(f"/v1/trunks/{trunk['id']}").json()["label"] == "Acme PBX"
    replaced = seeded.put(f"/v1/trunks/{trunk['id']}", json={**TRUNK, "label": "Renamed"})
    assert replaced.json()["label"] == "Renamed"
    assert seeded.delete(f"/v1/trunks/{trunk['id']}").json() == {"success": True}
    assert seeded.get(f"/v1/trunks/{trunk['id']}").status_code == 404


def test_an_account_without_trunks_lists_null(sandbox):
    body = sandbox.get("/v1/trunks").json()
    assert body["sip_trunks"] is None and body["pagination"]["total"] == 0


def test_messaging_endpoints_answer_as_the_spec_says(seeded):
    sender = sms_number(seeded).number
    sent = seeded.post(
        "/v3/messages",
        json={
            "from": sender,
            "to": "+13125559876",
            "message_body": {"text": "Your table is ready", "media": None},
            "tag": "order-1",
            "validity": 3600,
        },
    )
    assert sent.status_code == 201 and sent.json()["status"] == "accepted"
    message_id = sent.json()["message_id"]
    assert seeded.get(f"/v3/messages/{message_id}").json()["tag"] == "order-1"
    listed = seeded.get("/v3/messages", params={"type": "outbound", "tag": "order-1"}).json()
    assert [m["message_id"] for m in listed["items"]] == [message_id]

    ids = seeded.get("/v3/messages/sender-ids").json()["items"]
    assert [s["sender_id"] for s in ids] == ["PortalDemo"]
    registered = seeded.post(
        "/v3/messages/sender-ids",
        json={
            "sender_id": "Acme",
            "type": "alphanumeric",
            "countries": ["GB", "IN"],
            "usecase": "transactional",
            "samples": ["Your code is 1234"],
        },
    )
    assert registered.status_code == 201 and registered.json()["allowlisted_in"] == ["GB"]
    sender_id = registered.json()["id"]
    assert seeded.get(f"/v3/messages/sender-ids/{sender_id}").json()["sender_id"] == "Acme"
    assert seeded.delete(f"/v3/messages/sender-ids/{sender_id}").json() == {"success": True}

    created = seeded.post("/v3/messages/opt-outs", json={"opt_out": {"number": "13125559876"}})
    assert created.status_code == 201
    opt_outs = seeded.get("/v3/messages/opt-outs").json()["items"]
    assert [o["phone_number"] for o in opt_outs] == ["13125559876"]


def test_cdr_and_validator_endpoints_answer_as_the_spec_says(seeded):
    today = dt.date.today()
    week = {"from": str(today - dt.timedelta(days=7)), "to": str(today)}
    placed = seeded.get("/v1/cdrs", params={**week, "type": "placed", "per_page": 100}).json()
    assert placed["items"] and all(c["sip_trunk"] for c in placed["items"])
    received = seeded.get("/v1/cdrs", params={**week, "type": "received"}).json()
    assert received["items"] and all(c["sip_trunk"] is None for c in received["items"])

    one = seeded.get(
        "/v1/validation", params={"phone_number": "+447537151866", "type": "validation"}
    ).json()
    assert one["valid"] and one["country_code"] == "GB" and one["number_type"] == "mobile"
    body = {
        "phone_numbers": ["13125559876", "12"],
        "type": "analysis",
        "async": False,
        "force": True,
    }
    many = seeded.post("/v1/validation", json=body).json()
    assert many["status"] == "success" and [i["valid"] for i in many["items"]] == [True, False]
    request_id = seeded.post("/v1/validation", json={**body, "async": True}).json()["request_id"]
    first = seeded.get(f"/v1/validation/{request_id}").json()
    assert first["status"] == "in progress" and first["pending"] == 1
    assert [i["phone_number"] for i in first["items"]] == ["13125559876"]
    polls = [seeded.get(f"/v1/validation/{request_id}").json() for _ in range(3)]
    assert [p["pending"] for p in polls] == [1, 0, 0]
    done = polls[-1]
    assert done["status"] == "success" and len(done["items"]) == 2


@pytest.mark.skipif(
    not documented("post", "/v1/e911-records/validate-address"),
    reason="the E911 operations are not in tests/contract/wavix-supplement.json",
)
def test_e911_endpoints_answer_as_the_supplement_says(seeded):
    number = seeded.account.numbers.filter(number__startswith="1").first().number
    address = {
        "street_number": "100",
        "street": "Main St",
        "location": "Suite 2",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "62710",
    }
    payload = {"phone_number": number, "name": "Head office", "address": address}
    checked = seeded.post("/v1/e911-records/validate-address", json=payload).json()
    assert checked["status"] == 2
    corrected = checked["corrected_address"]
    assert seeded.post("/v1/e911-records", json={**payload, "address": corrected}).ok
    records = seeded.get("/v1/e911-records", params={"phone_number": number}).json()["items"]
    assert records[0]["address"]["zip_code"] == "62701"
    deleted = seeded.delete("/v1/e911-records", params={"phone_number": number})
    assert deleted.json() == {"success": True}


@pytest.mark.skipif(
    not documented("get", "/v3/messages/sender_ids/restrictions"),
    reason="the restrictions operation is not in tests/contract/wavix-supplement.json",
)
def test_sender_id_self_service_check_answers_as_the_supplement_says(sandbox):
    def self_service(country, kind):
        params = {"country": country, "type": kind}
        return sandbox.get("/v3/messages/sender_ids/restrictions", params=params).json()

    assert self_service("US", "numeric") == {"self_service": True}
    assert self_service("US", "alphanumeric") == {"self_service": False}
    assert self_service("GB", "alphanumeric") == {"self_service": True}
    assert self_service("IN", "numeric") == {"self_service": False}


def test_pagination_walks_every_page_once(seeded):
    seen, page = [], 1
    while True:
        body = seeded.get("/v1/numbers", params={"page": page, "per_page": 7}).json()
        seen += [n["id"] for n in body["items"]]
        assert body["pagination"]["current_page"] == page and body["pagination"]["per_page"] == 7
        if page >= body["pagination"]["total_pages"]:
            break
        page += 1
    assert page == 6 and body["pagination"]["total"] == 40
    assert sorted(seen) == sorted(seeded.account.numbers.values_list("pk", flat=True))


def test_per_page_above_100_is_refused_naming_the_field(seeded):
    response = seeded.get("/v1/numbers", params={"per_page": 101}, check=False)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Missing or invalid parameter per_page: must be between 1 and 100 (got 101)",
    }


@pytest.mark.parametrize("auth", ["bearer", "appid"])
def test_the_key_works_as_bearer_header_or_appid_parameter(sandbox, auth):
    response = sandbox.get("/v1/profile", auth=auth, check=auth == "bearer")
    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["bearer", "appid", None])
def test_a_wrong_or_missing_key_is_401_in_wavix_format(sandbox, auth):
    sandbox.key = "not-the-key"
    response = sandbox.call("GET", "/v1/trunks", auth=auth, check=False)
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "error": True,
        "message": "Unauthorized: missing or invalid API key",
    }


def test_a_disabled_key_is_401(sandbox):
    sandbox.account.is_active = False
    sandbox.account.save()
    response = sandbox.get("/v1/profile", check=False)
    assert response.status_code == 401 and "disabled" in response.json()["message"]


def test_bad_input_is_400_naming_the_field_the_rule_and_the_value(seeded):
    response = seeded.post("/v1/trunks", json={**TRUNK, "call_limit": 0}, check=False)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Missing or invalid parameter call_limit: must be between 1 and 14400 (got 0)",
    }
    missing = seeded.post("/v1/trunks", json={"label": "x"}, check=False).json()
    assert missing["message"] == "Missing or invalid parameter password: is required"
    broken = seeded.call(
        "POST",
        "/v1/trunks",
        data="{not json",
        headers={"Content-Type": "application/json"},
        check=False,
    )
    assert broken.status_code == 400
    assert broken.json()["message"] == "Request body must be valid JSON"


def test_profile_errors_are_422_as_the_spec_says(sandbox):
    response = sandbox.put("/v1/profile", json={"time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "time_zone" in response.json()["message"]


def test_unknown_records_and_addresses_are_404_in_wavix_format(seeded):
    assert seeded.get("/v1/numbers/999999").json() == {
        "success": False,
        "message": "Number not found",
    }
    unknown = seeded.get("/v9/nothing", check=False)
    assert unknown.status_code == 404 and unknown.json()["success"] is False


def test_a_wrong_method_is_405(seeded):
    response = seeded.call("POST", "/v1/profile", check=False)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, PUT"


def test_the_sandbox_is_404_when_disabled(sandbox, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    for path in ("/v1/profile", "/v1/numbers", "/_operator/faults", "/anything"):
        response = sandbox.get(path, check=False)
        assert response.status_code == 404
        assert not response.headers["Content-Type"].startswith("application/json")


def test_deploy_check_refuses_the_sandbox_with_debug_off(settings):
    settings.WAVIX_SANDBOX_ENABLED, settings.DEBUG = True, False
    errors = run_checks(include_deployment_checks=True)
    assert "wavix_sandbox.E001" in {e.id for e in errors}
    settings.DEBUG = True
    assert "wavix_sandbox.E001" not in {e.id for e in run_checks(include_deployment_checks=True)}
    settings.DEBUG, settings.WAVIX_SANDBOX_ENABLED = False, False
    assert "wavix_sandbox.E001" not in {e.id for e in run_checks(include_deployment_checks=True)}


def test_the_transport_counts_requests_and_shares_the_test_transaction(sandbox):
    before = sandbox.transport.request_count
    sandbox.put("/v1/profile", json={"first_name": "Grace"})
    sandbox.account.refresh_from_db()  # written through the sandbox, seen by the test
    assert sandbox.account.first_name == "Grace"
    assert sandbox.transport.request_count == before + 1
    response = sandbox.get("/v1/profile")
    assert response.url == f"{SANDBOX_BASE}/v1/profile"
    assert response.headers["Content-Type"] == "application/json"
    assert response.elapsed.total_seconds() >= 0
