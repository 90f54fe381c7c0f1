"""The fake DIDWW's Outbound SMS API as DIDWW answers it: 201 with the message id, JSON:API
errors[] with title, detail, code and status (a 400 pointing at the attribute), 401 for
credentials it does not know, 415 for another content type, 405 for another method, 404
elsewhere, and nothing at all while the sandbox is off."""

from __future__ import annotations

import json

import pytest
import requests

from sandbox.didww.models import SandboxOutbound
from sandbox.didww.trunks import DEMO_PASSWORD, DEMO_USERNAME
from sandbox.wavix.transport import SandboxTransport

BASE = "http://didww.test/didww-sandbox"
GOOD = {
    "data": {
        "type": "outbound_messages",
        "attributes": {"destination": "13125550199", "source": "13325550100", "content": "Hi"},
    }
}


@pytest.fixture
def fake(db, settings):
    settings.WAVIX_SANDBOX_ENABLED = True
    session = requests.Session()
    session.mount("http://didww.test/", SandboxTransport())

    def post(body, *, auth=(DEMO_USERNAME, DEMO_PASSWORD), content_type="application/vnd.api+json"):
        data = body if isinstance(body, str) else json.dumps(body)
        headers = {"Content-Type": content_type}
        return session.post(f"{BASE}/outbound_messages", data=data, headers=headers, auth=auth)

    post.session = session
    return post


def attributes(**changes) -> dict:
    return {"data": {**GOOD["data"], "attributes": {**GOOD["data"]["attributes"], **changes}}}


def test_a_good_send_answers_201_with_the_message_id(fake):
    answer = fake(GOOD)
    assert answer.status_code == 201
    assert answer.headers["Content-Type"].startswith("application/vnd.api+json")
    data = answer.json()["data"]
    assert data["type"] == "outbound_messages"
    assert data["id"] == str(SandboxOutbound.objects.get().message_id)


@pytest.mark.parametrize(
    ("body", "detail", "pointer"),
    [
        (attributes(destination="+13125550199"), "destination must be digits", "destination"),
        (attributes(source=""), "source can't be blank", "source"),
        (attributes(content=" "), "content can't be blank", "content"),
        ({"data": {**GOOD["data"], "type": "messages"}}, "type is invalid", "../type"),
        ("not json", "Invalid request", None),
    ],
)
def test_a_bad_body_is_a_400_naming_the_attribute(fake, body, detail, pointer):
    answer = fake(body)
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert error["title"] == "Bad Request" and error["code"] == error["status"] == "400"
    assert error["detail"].startswith(detail)
    if pointer == "../type":
        assert error["source"]["pointer"] == "/data/type"
    elif pointer:
        assert error["source"]["pointer"] == f"/data/attributes/{pointer}"
    assert not SandboxOutbound.objects.exists()


@pytest.mark.parametrize("auth", [None, (DEMO_USERNAME, "wrong"), ("someone", DEMO_PASSWORD)])
def test_unknown_credentials_are_a_401(fake, auth):
    answer = fake(GOOD, auth=auth)
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["title"] == "Unauthorized"


def test_another_content_type_is_a_415_and_another_method_a_405(fake):
    assert fake(GOOD, content_type="application/json").status_code == 415
    answer = fake.session.get(f"{BASE}/outbound_messages", auth=(DEMO_USERNAME, DEMO_PASSWORD))
    assert answer.status_code == 405 and answer.headers["Allow"] == "POST"
    assert fake.session.get(f"{BASE}/v3/messages").status_code == 404


def test_the_fake_is_not_there_while_the_sandbox_is_off(fake, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    assert fake(GOOD).status_code == 404
    assert not SandboxOutbound.objects.exists()


def test_the_operator_sets_the_next_sends_faults_over_http(fake):
    url = f"{BASE}/_operator/faults"
    auth = (DEMO_USERNAME, DEMO_PASSWORD)
    assert fake.session.put(url, json={"fault": "error"}).status_code == 401
    refused = fake.session.put(url, json={"fault": "boom"}, auth=auth)
    assert refused.status_code == 400 and "fault must be one of" in refused.text
    answer = fake.session.put(url, json={"fault": "rate_limit", "count": 2}, auth=auth)
    assert answer.json()["fault"] == "rate_limit" and answer.json()["count"] == 2
    statuses = [fake(GOOD).status_code for _ in range(3)]
    assert statuses == [429, 429, 201]
    assert fake.session.get(url, auth=auth).json()["count"] == 0
