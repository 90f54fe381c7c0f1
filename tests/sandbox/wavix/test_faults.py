"""Fault injection: server errors, rate limiting with Retry-After, added latency and timeouts,
per account, repeatable with a seed, set from code or through the operator endpoint."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox.wavix.faults import faults_set
from sandbox.wavix.models import SandboxMessage

pytestmark = pytest.mark.django_db


def statuses(sandbox, count: int, path: str = "/v1/profile") -> list[int]:
    return [sandbox.get(path, check=False).status_code for _ in range(count)]


def test_an_error_rate_of_one_makes_every_call_a_5xx_in_wavix_format(sandbox):
    faults_set(account=sandbox.account, error_rate=1.0, error_status=502)
    response = sandbox.get("/v1/profile", check=False)
    assert response.status_code == 502
    assert response.json() == {"success": False, "message": "Internal server error, please retry"}
    # The operator endpoints stay reachable, or faults could never be turned off again.
    cleared = sandbox.post("/_operator/faults", json={}, check=False)
    assert cleared.status_code == 200 and cleared.json()["error_rate"] == 0
    assert sandbox.get("/v1/profile").status_code == 200


def test_rate_limiting_answers_429_with_retry_after(sandbox):
    faults_set(account=sandbox.account, rate_limit_rate=1.0, retry_after=7)
    response = sandbox.get("/v1/numbers", check=False)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.json()["success"] is False


def test_latency_is_added_to_every_call(sandbox):
    faults_set(account=sandbox.account, latency_ms=150)
    started = time.monotonic()
    assert sandbox.get("/v1/profile").status_code == 200
    assert time.monotonic() - started >= 0.15


def test_a_timeout_leaves_the_outcome_unknown_but_the_send_happened(seeded):
    faults_set(account=seeded.account, timeout_rate=1.0, timeout_seconds=30)
    sender = seeded.account.numbers.filter(sms_enabled=True, status="active").first().number
    body = {
        "from": sender,
        "to": "13125559876",
        "tag": "maybe-sent",
        "message_body": {"text": "Hello", "media": None},
    }
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        seeded.post("/v3/messages", json=body, timeout=(1, 0.2))
    # The hang ends when the client gives up, not after the full 30 seconds.
    assert time.monotonic() - started < 5
    assert SandboxMessage.objects.filter(tag="maybe-sent").count() == 1


def test_a_seed_makes_the_faults_repeatable(sandbox):
    faults_set(account=sandbox.account, error_rate=0.5, seed=42)
    first = statuses(sandbox, 20)
    faults_set(account=sandbox.account, error_rate=0.5, seed=42)
    assert statuses(sandbox, 20) == first
    assert {200, 503} == set(first)
    faults_set(account=sandbox.account, error_rate=0.5, seed=7)
    assert statuses(sandbox, 20) != first


def test_faults_can_be_limited_to_a_path_prefix(sandbox):
    faults_set(account=sandbox.account, error_rate=1.0, path_prefix="/v3/")
    assert sandbox.get("/v1/profile").status_code == 200
    response = sandbox.get("/v3/messages", params={"type": "outbound"}, check=False)
    assert response.status_code == 503


def test_faults_can_be_limited_to_methods_so_a_timed_out_send_can_be_looked_up(seeded):
    faults_set(account=seeded.account, timeout_rate=1.0, path_prefix="/v3/", methods="post")
    sender = seeded.account.numbers.filter(sms_enabled=True, status="active").first().number
    body = {
        "from": sender,
        "to": "13125559876",
        "tag": "order-77",
        "message_body": {"text": "Hello", "media": None},
    }
    with pytest.raises(requests.exceptions.ReadTimeout):
        seeded.post("/v3/messages", json=body, timeout=0.2)
    found = seeded.get("/v3/messages", params={"type": "outbound", "tag": "order-77"}, timeout=5)
    assert [m["tag"] for m in found.json()["items"]] == ["order-77"]


def test_faults_belong_to_one_account(sandbox, settings):
    from sandbox.wavix.accounts import account_create

    other = account_create(api_key="other-key-0123456789")
    faults_set(account=other, error_rate=1.0)
    assert sandbox.get("/v1/profile").status_code == 200


def test_the_operator_endpoint_sets_and_shows_the_faults(sandbox):
    settings = {
        "error_rate": 0.25,
        "rate_limit_rate": 0.25,
        "retry_after": 3,
        "latency_ms": 5,
        "seed": 99,
        "path_prefix": "/v1/",
    }
    answer = sandbox.post("/_operator/faults", json=settings, check=False).json()
    assert {k: answer[k] for k in settings} == settings
    assert sandbox.get("/_operator/faults", check=False).json() == answer


def test_impossible_fault_settings_are_refused(sandbox):
    response = sandbox.post(
        "/_operator/faults", json={"error_rate": 0.7, "timeout_rate": 0.6}, check=False
    )
    assert response.status_code == 400
    assert "add up to <= 1" in response.json()["message"]
    response = sandbox.post("/_operator/faults", json={"error_status": 404}, check=False)
    assert response.status_code == 400 and "error_status" in response.json()["message"]
