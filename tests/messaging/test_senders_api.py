"""Sender IDs and opt-outs through the REST API."""

import pytest
from django_scopes import scopes_disabled

from messaging.models import OptOut, SenderId
from tests.conftest import api_client

pytestmark = pytest.mark.django_db


def test_a_sender_id_is_created_and_shows_its_countries(
    senders_env, eager_celery, django_capture_on_commit_callbacks
):
    client = api_client(senders_env.world.admin_a, senders_env.world.a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/tenants/acme/sender-ids/",
            {"kind": "alphanumeric", "value": "Acme", "countries": ["GB", "TR"]},
            format="json",
        )
    assert response.status_code == 202, response.json()
    pk = response.json()["id"]
    body = client.get(f"/api/v1/tenants/acme/sender-ids/{pk}/").json()
    assert {c["country"]: c["state"] for c in body["countries"]} == {
        "GB": "allowlisted",
        "TR": "manual",
    }
    assert body["job"]["status"] == "succeeded"
    listed = client.get("/api/v1/tenants/acme/sender-ids/?state=manual").json()
    assert [s["value"] for s in listed["results"]] == ["Acme"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "alphanumeric", "value": "Acme", "countries": ["CA"]}, "countries", "CA"),
        ({"kind": "alphanumeric", "value": "Acme!", "countries": ["GB"]}, "name", "Acme!"),
        ({"kind": "alphanumeric", "value": "Acme", "countries": ["ZZ"]}, "countries", "ZZ"),
        ({"kind": "numeric", "value": "+15550001111", "countries": ["GB"]}, "number", "5550001111"),
        ({"kind": "fax", "value": "Acme", "countries": ["GB"]}, "kind", "fax"),
        ({"kind": "numeric", "value": "9" * 30, "countries": ["GB"]}, "number", "9" * 20),
    ],
)
def test_bad_sender_ids_are_refused_naming_field_and_value(senders_env, body, field, words):
    client = api_client(senders_env.world.admin_a, senders_env.world.a)
    response = client.post("/api/v1/tenants/acme/sender-ids/", body, format="json")
    assert response.status_code == 400
    assert words in str(response.json()), response.json()
    assert field in str(response.json())
    with scopes_disabled():
        assert not SenderId.objects.exists()


def test_agents_cannot_create_sender_ids_or_remove_opt_outs(world):
    client = api_client(world.agent_a, world.a)
    body = {"kind": "alphanumeric", "value": "Acme", "countries": ["GB"]}
    assert client.post("/api/v1/tenants/acme/sender-ids/", body, format="json").status_code == 403
    made = client.post("/api/v1/tenants/acme/opt-outs/", {"recipient": "+447700900123"})
    assert made.status_code == 201
    pk = made.json()["id"]
    assert client.delete(f"/api/v1/tenants/acme/opt-outs/{pk}/").status_code == 403
    again = client.post("/api/v1/tenants/acme/opt-outs/", {"recipient": "447700900123"})
    assert again.status_code == 200 and again.json()["id"] == pk
    admin = api_client(world.admin_a, world.a)
    assert admin.delete(f"/api/v1/tenants/acme/opt-outs/{pk}/").status_code == 204
    with scopes_disabled():
        assert not OptOut.objects.exists()


def test_a_bad_opt_out_names_the_field(world):
    client = api_client(world.agent_a, world.a)
    response = client.post("/api/v1/tenants/acme/opt-outs/", {"recipient": "+1 555"})
    assert response.status_code == 400
    assert "has 4 digits" in response.json()["errors"]["recipient"][0]
