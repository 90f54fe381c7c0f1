"""SIP trunks in the sandbox: a PUT replaces the whole configuration, and IP authentication and
caller-ID passthrough wait for Wavix's approval."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def trunk_body(seeded) -> dict:
    callerid = seeded.account.numbers.filter(status="active", number__startswith="1").first()
    return {
        "label": "Acme PBX",
        "password": "Str0ng-Passw0rd",
        "callerid": callerid.number,
        "ip_restrict": True,
        "allowed_ips": [{"ip": "203.0.113.10"}, {"ip": "198.51.100.7"}],
        "didinfo_enabled": False,
        "call_restrict": True,
        "call_limit": 600,
        "cost_limit": True,
        "max_call_cost": 0.25,
        "channels_restrict": True,
        "max_channels": 8,
        "rewrite_enabled": True,
        "rewrite_prefix": "00",
        "rewrite_cond": "1",
        "call_recording_enabled": True,
        "transcription_enabled": True,
        "transcription_threshold": 10,
        "machine_detection_enabled": True,
        "encrypted_media": True,
    }


MINIMAL = (
    "label",
    "password",
    "callerid",
    "ip_restrict",
    "didinfo_enabled",
    "call_restrict",
    "cost_limit",
    "channels_restrict",
    "rewrite_enabled",
    "transcription_enabled",
    "transcription_threshold",
)


def test_put_is_a_full_replacement_omitted_fields_fall_back_to_defaults(seeded, trunk_body):
    trunk = seeded.post("/v1/trunks", json=trunk_body).json()
    assert trunk["max_channels"] == 8 and trunk["encrypted_media"]
    assert [ip["ip"] for ip in trunk["allowed_ips"]] == ["203.0.113.10", "198.51.100.7"]
    minimal = {k: trunk_body[k] for k in MINIMAL} | {
        "ip_restrict": False,
        "call_restrict": False,
        "cost_limit": False,
        "channels_restrict": False,
        "rewrite_enabled": False,
        "transcription_enabled": False,
        "transcription_threshold": 6,
        "label": "Renamed",
    }
    replaced = seeded.put(f"/v1/trunks/{trunk['id']}", json=minimal).json()
    assert replaced["label"] == "Renamed"
    assert replaced["allowed_ips"] == [] and replaced["ip_restrict"] is False
    assert replaced["call_limit"] is None and replaced["max_call_cost"] is None
    assert replaced["max_channels"] is None
    assert replaced["rewrite_prefix"] == "" and replaced["rewrite_cond"] == ""
    assert not replaced["call_recording_enabled"] and not replaced["encrypted_media"]
    assert not replaced["machine_detection_enabled"]
    assert replaced["name"] == trunk["name"] and replaced["access_token"] == trunk["access_token"]


def test_put_without_a_required_field_is_refused_and_changes_nothing(seeded, trunk_body):
    trunk = seeded.post("/v1/trunks", json=trunk_body).json()
    body = {k: v for k, v in trunk_body.items() if k != "didinfo_enabled"}
    response = seeded.put(
        f"/v1/trunks/{trunk['id']}", json={**body, "label": "Changed"}, check=False
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Missing or invalid parameter didinfo_enabled: is required"
    )
    assert seeded.get(f"/v1/trunks/{trunk['id']}").json()["label"] == "Acme PBX"


def test_ip_authentication_waits_for_approval(seeded, trunk_body):
    body = {**trunk_body, "host_request": {"host": "203.0.113.10"}}
    trunk = seeded.post("/v1/trunks", json=body).json()
    assert trunk["host"] == "dynamic"  # not in use until Wavix approves it
    summary = next(
        t for t in seeded.get("/v1/trunks").json()["sip_trunks"] if t["id"] == trunk["id"]
    )
    assert summary["auth_method"] == "IP auth" and summary["status"] == "pending"
    assert summary["host_request"] == {"host": "203.0.113.10", "status": "pending"}

    review = seeded.post(
        f"/_operator/trunks/{trunk['id']}/review", json={"decision": "approve"}, check=False
    )
    assert review.json()["status"] == "active"
    assert seeded.get(f"/v1/trunks/{trunk['id']}").json()["host"] == "203.0.113.10"
    # Replacing the trunk with the same address keeps the approval; a new address waits.
    again = seeded.put(f"/v1/trunks/{trunk['id']}", json=body).json()
    assert again["host"] == "203.0.113.10"
    moved = {**body, "host_request": {"host": "198.51.100.7"}}
    assert seeded.put(f"/v1/trunks/{trunk['id']}", json=moved).json()["host"] == "dynamic"


def test_caller_id_passthrough_waits_for_approval(seeded, trunk_body):
    trunk = seeded.post("/v1/trunks", json={**trunk_body, "multiple_numbers": True}).json()
    assert trunk["multiple_numbers"] is True and trunk["passthrough"] is False
    listed = seeded.get("/v1/trunks").json()["sip_trunks"]
    assert next(t for t in listed if t["id"] == trunk["id"])["status"] == "pending"
    seeded.post(f"/_operator/trunks/{trunk['id']}/review", json={"decision": "reject"}, check=False)
    listed = seeded.get("/v1/trunks").json()["sip_trunks"]
    rejected = next(t for t in listed if t["id"] == trunk["id"])
    assert rejected["status"] == "rejected" and rejected["passthrough"] is False


def test_a_caller_id_not_on_the_account_is_refused(seeded, trunk_body):
    response = seeded.post("/v1/trunks", json={**trunk_body, "callerid": "12025550143"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Missing or invalid parameter callerid: must be an active number on the account "
        "(got '12025550143')"
    )


def test_a_weak_password_is_refused_without_echoing_it(seeded, trunk_body):
    response = seeded.post("/v1/trunks", json={**trunk_body, "password": "secret"})
    assert response.status_code == 400 and "secret" not in response.json()["message"]


def test_ip_restriction_needs_public_addresses(seeded, trunk_body):
    response = seeded.post("/v1/trunks", json={**trunk_body, "allowed_ips": [{"ip": "10.0.0.1"}]})
    assert response.status_code == 400
    assert "allowed_ips[0].ip" in response.json()["message"]


def test_ipv6_addresses_are_accepted_as_the_spec_asks_only_for_public_ip_addresses(
    seeded, trunk_body
):
    # The spec: "public static IP address", with no IP version named.
    ips = [{"ip": "2001:DB8:10:0::5"}, {"ip": "2606:4700:4700::1111"}, {"ip": "203.0.113.10"}]
    body = {**trunk_body, "allowed_ips": ips, "host_request": {"host": "2001:db8:10::5"}}
    trunk = seeded.post("/v1/trunks", json=body).json()
    assert [ip["ip"] for ip in trunk["allowed_ips"]] == [
        "2001:db8:10::5",
        "2606:4700:4700::1111",
        "203.0.113.10",
    ]
    summary = seeded.get("/v1/trunks").json()["sip_trunks"]
    mine = next(t for t in summary if t["id"] == trunk["id"])
    assert mine["host_request"] == {"host": "2001:db8:10::5", "status": "pending"}


@pytest.mark.parametrize(
    ("ip", "rule"),
    [
        ("203.0.113.16/29", "must be one public static IP address, not a network"),
        ("2001:db8::/48", "must be one public static IP address, not a network"),
        ("fd00::1", "must be a public static IP address"),
        ("::1", "must be a public static IP address"),
        ("203.0.113.300", "must be an IP address"),
        ("2001:db8::g", "must be an IP address"),
    ],
)
def test_networks_and_malformed_or_private_addresses_are_refused_in_wavix_format(
    seeded, trunk_body, ip, rule
):
    ips = [{"ip": "203.0.113.10"}, {"ip": ip}]
    response = seeded.post("/v1/trunks", json={**trunk_body, "allowed_ips": ips})
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": f"Missing or invalid parameter allowed_ips[1].ip: {rule} (got {ip!r})",
    }


def test_limits_are_ignored_when_their_flag_is_off(seeded, trunk_body):
    body = {**trunk_body, "call_restrict": False, "call_limit": 0}
    trunk = seeded.post("/v1/trunks", json=body).json()
    assert trunk["call_restrict"] is False and trunk["call_limit"] is None


def test_another_accounts_trunk_is_404(seeded, trunk_body):
    from sandbox.wavix.accounts import account_create
    from sandbox.wavix.seed import seed_account

    other = account_create(api_key="other-key-0123456789")
    seed_account(account=other, purchased=2)
    foreign = other.trunks.first()
    assert seeded.get(f"/v1/trunks/{foreign.pk}").status_code == 404
    assert seeded.delete(f"/v1/trunks/{foreign.pk}").status_code == 404
    assert other.trunks.filter(pk=foreign.pk).exists()
