"""Queues and number routing rules in the API: the same rules as the pages, wrong values
named, another tenant's objects a 404, agents limited to reading queues."""

import pytest
from django_scopes import scopes_disabled

from messaging.models import MessageQueue, NumberRoute


@pytest.fixture
def api(senders_env, api_as):
    senders_env.admin = api_as(senders_env.world.admin_a, senders_env.world.a)
    senders_env.agent = api_as(senders_env.world.agent_a, senders_env.world.a)
    senders_env.base = "/api/v1/tenants/acme"
    return senders_env


def test_queues_crud(api):
    made = api.admin.post(
        f"{api.base}/queues/", {"name": "Support", "members": [api.world.agent_a.pk]}, format="json"
    )
    assert made.status_code == 201 and made.json()["members"] == [api.world.agent_a.pk]
    qid = made.json()["id"]
    assert api.agent.get(f"{api.base}/queues/").json()["results"][0]["name"] == "Support"
    assert api.agent.post(f"{api.base}/queues/", {"name": "X"}, format="json").status_code == 403
    changed = api.admin.patch(f"{api.base}/queues/{qid}/", {"pickup": "first_reply"}, format="json")
    assert changed.status_code == 200 and changed.json()["pickup"] == "first_reply"
    assert changed.json()["members"] == [api.world.agent_a.pk]
    outsider = api.admin.post(
        f"{api.base}/queues/", {"name": "Y", "members": [api.world.agent_b.pk]}, format="json"
    )
    assert outsider.status_code == 400 and "is not a member" in str(outsider.json())
    twice = api.admin.post(f"{api.base}/queues/", {"name": "support"}, format="json")
    assert twice.status_code == 400 and "already exists" in str(twice.json())
    assert api.admin.delete(f"{api.base}/queues/{qid}/").status_code == 204
    with scopes_disabled():
        assert not MessageQueue.objects.exists()


def test_another_tenants_queue_is_a_404(api, api_as):
    with scopes_disabled():
        theirs = MessageQueue.objects.create(tenant=api.world.b, name="Theirs")
    assert api.admin.get(f"{api.base}/queues/{theirs.pk}/").status_code == 404
    assert api.admin.delete(f"{api.base}/queues/{theirs.pk}/").status_code == 404


def test_routing_rules_list_retrieve_update(api):
    listed = api.admin.get(f"{api.base}/routing-rules/").json()["results"]
    assert [r["number"] for r in listed] == [str(n) for n in api.sms]
    assert listed[0]["destination"] == ""
    url = f"{api.base}/routing-rules/{api.sms[0]}/"
    done = api.admin.put(
        url,
        {
            "destination": "agent",
            "agent": api.world.agent_a.pk,
            "starters": [api.world.agent_a.pk],
            "stickiness_hours": 2,
        },
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert api.admin.get(url).json()["agent"] == api.world.agent_a.pk
    mail = api.admin.patch(
        url, {"destination": "email", "emails": ["a@acme.example"]}, format="json"
    )
    assert mail.json()["emails"] == ["a@acme.example"] and mail.json()["agent"] is None
    with scopes_disabled():
        assert NumberRoute.objects.get().destination == "email"
    assert api.agent.get(url).status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({"destination": "fax"}, "destination"),
        ({"destination": "agent"}, "agent"),
        ({"destination": "agent", "agent": 999999}, "agent"),
        ({"destination": "email", "emails": ["nope"]}, "emails"),
        ({"destination": "email", "emails": [f"a{i}@x.io" for i in range(11)]}, "emails"),
        ({"stickiness_hours": 100000}, "stickiness_hours"),
        ({"starters": [999999]}, "starters"),
    ],
)
def test_a_wrong_rule_is_a_400_naming_the_field(api, body, field):
    answer = api.admin.patch(f"{api.base}/routing-rules/{api.sms[0]}/", body, format="json")
    assert answer.status_code == 400 and field in str(answer.json())
    with scopes_disabled():
        assert not NumberRoute.objects.exists()


def test_a_number_outside_the_pool_is_a_404(api):
    assert api.admin.get(f"{api.base}/routing-rules/{api.b_number}/").status_code == 404
    assert (
        api.admin.patch(f"{api.base}/routing-rules/{api.plain}/", {}, format="json").status_code
        == 404
    )
