# ruff: noqa: F811 - pytest fixtures imported from a shared module are used as arguments
"""The routing pages as tenant admins and system administrators use them: a number's rule
with inline errors, bulk apply, queues, webhook endpoints (the secret shown once), the
delivery log with "Deliver again", and both unrouted lists with "Route it"."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Message, MessageQueue, NumberRoute, TenantWebhook, WebhookDelivery
from messaging.services import routing
from messaging.services.routing import RuleData
from messaging.services.tenant_webhooks import endpoint_save

from .routing_support import inbound, receiver  # noqa: F401 - a fixture


@pytest.fixture
def ui(senders_env, as_user):
    senders_env.admin = as_user(senders_env.world.admin_a)
    senders_env.agent = as_user(senders_env.world.agent_a)
    senders_env.url = lambda name, *args: reverse(f"tenant:{name}", args=["acme", *args])
    return senders_env


def test_the_rules_list_shows_each_sms_number_with_its_destination(ui):
    routing.number_route_save(
        tenant=ui.world.a,
        number=str(ui.sms[0]),
        data=RuleData(destination="agent", agent=ui.world.agent_a),
    )
    page = ui.admin.get(ui.url("routing_list")).content.decode()
    assert f"Agent {ui.world.agent_a}" in page
    assert "Not set: messages wait in the unrouted list" in page
    assert f'data-number="{ui.plain}"' not in page  # not SMS-enabled
    only_set = ui.admin.get(ui.url("routing_list"), {"destination": "agent"}).content.decode()
    assert f'data-number="{ui.sms[0]}"' in only_set and f'data-number="{ui.sms[1]}"' not in only_set
    unset = ui.admin.get(ui.url("routing_list"), {"destination": "none"}).content.decode()
    assert f'data-number="{ui.sms[0]}"' not in unset and f'data-number="{ui.sms[1]}"' in unset
    found = ui.admin.get(ui.url("routing_list"), {"q": f"+{ui.sms[1]}"}).content.decode()
    assert f'data-number="{ui.sms[1]}"' in found and f'data-number="{ui.sms[0]}"' not in found


def test_agents_cannot_see_routing_pages(ui):
    for name, args in [
        ("routing_list", ()),
        ("queue_list", ()),
        ("webhook_list", ()),
        ("unrouted_list", ()),
        ("routing_edit", (ui.sms[0],)),
    ]:
        assert ui.agent.get(ui.url(name, *args)).status_code == 403


def test_editing_a_rule_saves_it_and_wrong_values_show_inline(ui):
    url = ui.url("routing_edit", ui.sms[0])
    bad = ui.admin.post(
        url,
        {
            "destination": "email",
            "emails": "nope",
            "stickiness_hours": 24,
            "auto_close_days": 7,
            "email_digest_minutes": 0,
        },
    )
    assert bad.status_code == 200 and "“nope” is not a valid e-mail address" in bad.content.decode()
    bad = ui.admin.post(
        url,
        {
            "destination": "agent",
            "stickiness_hours": "lots",
            "auto_close_days": 7,
            "email_digest_minutes": 0,
        },
    )
    assert "Enter a whole number" in bad.content.decode()
    ok = ui.admin.post(
        url,
        {
            "destination": "agent",
            "agent": ui.world.agent_a.pk,
            "starters": [ui.world.agent_a.pk],
            "stickiness_hours": 4,
            "auto_close_days": 3,
            "email_digest_minutes": 0,
            "reformat": "on",
        },
    )
    assert ok.status_code == 302
    with scopes_disabled():
        route = NumberRoute.objects.get(number=str(ui.sms[0]))
        assert route.agent == ui.world.agent_a and route.stickiness_hours == 4
        assert list(route.starters.all()) == [ui.world.agent_a]
    another = ui.admin.post(
        url,
        {
            "destination": "agent",
            "agent": ui.world.agent_b.pk,
            "stickiness_hours": 4,
            "auto_close_days": 3,
            "email_digest_minutes": 0,
        },
    )
    assert "not one of yours" in another.content.decode()


def test_a_number_outside_the_pool_is_a_404(ui):
    assert ui.admin.get(ui.url("routing_edit", ui.b_number)).status_code == 404
    assert ui.admin.get(ui.url("routing_edit", ui.plain)).status_code == 404
    assert ui.admin.get(ui.url("routing_edit", 10**18)).status_code == 404


def test_bulk_apply_sets_the_rule_on_the_ticked_numbers(ui):
    page = ui.admin.get(ui.url("routing_bulk"), {"numbers": [ui.sms[0], ui.sms[1]]})
    assert page.status_code == 200 and f"+{ui.sms[1]}" in page.content.decode()
    done = ui.admin.post(
        ui.url("routing_bulk"),
        {
            "numbers": [ui.sms[0], ui.sms[1]],
            "destination": "agent",
            "agent": ui.world.agent_a.pk,
            "stickiness_hours": 24,
            "auto_close_days": 7,
            "email_digest_minutes": 0,
        },
    )
    assert done.status_code == 302
    with scopes_disabled():
        assert NumberRoute.objects.filter(destination="agent").count() == 2
    assert "No number is ticked" in ui.admin.get(ui.url("routing_bulk")).content.decode()


def test_queues_are_made_edited_and_delete_is_refused_while_in_use(ui):
    made = ui.admin.post(
        ui.url("queue_add"),
        {"name": "Support", "pickup": "manual", "members": [ui.world.agent_a.pk]},
    )
    assert made.status_code == 302
    with scopes_disabled():
        queue = MessageQueue.objects.get()
    again = ui.admin.post(ui.url("queue_add"), {"name": "support", "pickup": "manual"})
    assert "already exists" in again.content.decode()
    outsider = ui.admin.post(
        ui.url("queue_add"), {"name": "X", "pickup": "manual", "members": [ui.world.agent_b.pk]}
    )
    assert "is not a member of your organisation" in outsider.content.decode()
    routing.number_route_save(
        tenant=ui.world.a, number=str(ui.sms[0]), data=RuleData(destination="queue", queue=queue)
    )
    refused = ui.admin.post(ui.url("queue_delete", queue.pk), follow=True).content.decode()
    assert "still gets the messages" in refused
    with scopes_disabled():
        assert MessageQueue.objects.exists()


def test_the_secret_is_shown_once_after_create_and_rotate(ui, settings):
    made = ui.admin.post(
        ui.url("webhook_add"),
        {
            "name": "CRM",
            "url": "https://crm.example/h",
            "send_inbound": "on",
            "send_status": "on",
            "is_active": "on",
        },
    )
    secret = re.search(r'value="([^"]+)" data-testid="webhook-secret"', made.content.decode())
    assert secret
    secret = secret.group(1)
    with scopes_disabled():
        endpoint = TenantWebhook.objects.get()
        assert endpoint.secret == secret
    for name in ("webhook_detail", "webhook_edit"):
        assert secret not in ui.admin.get(ui.url(name, endpoint.pk)).content.decode()
    assert secret not in ui.admin.get(ui.url("webhook_list")).content.decode()
    rotated = ui.admin.post(ui.url("webhook_rotate", endpoint.pk)).content.decode()
    new = re.search(r'value="([^"]+)" data-testid="webhook-secret"', rotated).group(1)
    assert new != secret
    assert new not in ui.admin.get(ui.url("webhook_detail", endpoint.pk)).content.decode()


def test_an_http_url_is_refused_inline(ui):
    page = ui.admin.post(ui.url("webhook_add"), {"name": "CRM", "url": "http://crm.example/h"})
    assert "is not HTTPS" in page.content.decode()


def test_the_delivery_log_shows_attempts_and_deliver_again(ui, receiver, run_tasks, hold_task):
    held = hold_task("messaging.tasks", "deliver_webhook")
    endpoint, _ = endpoint_save(tenant=ui.world.a, name="CRM", url=receiver.url)
    receiver.answers = [500]
    run_tasks(ui.admin.post, ui.url("webhook_test", endpoint.pk))
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
        # Near the end of its window: the next attempt would come after it.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            give_up_at=timezone.now() + timedelta(seconds=10)
        )
    held.run_next()
    page = ui.admin.get(ui.url("webhook_detail", endpoint.pk)).content.decode()
    assert "HTTP 500" in page and "boom: try later" in page and "Deliver again" in page
    failed = ui.admin.get(ui.url("webhook_detail", endpoint.pk), {"status": "succeeded"})
    assert "Deliver again" not in failed.content.decode()
    run_tasks(ui.admin.post, ui.url("webhook_redeliver", delivery.pk))
    held.run_next()
    page = ui.admin.get(ui.url("webhook_detail", endpoint.pk)).content.decode()
    assert "Delivered" in page and "HTTP 200" in page


def test_the_tenant_routes_its_waiting_messages(ui):
    inbound_msg = inbound(ui.channel, to=ui.sms[1], text="Anyone there?")
    routing.message_route(message=inbound_msg)
    page = ui.admin.get(ui.url("unrouted_list")).content.decode()
    assert "Anyone there?" in page and "Set its rule first" in page
    saved = ui.admin.post(
        ui.url("routing_edit", ui.sms[1]),
        {
            "destination": "agent",
            "agent": ui.world.agent_a.pk,
            "stickiness_hours": 24,
            "auto_close_days": 7,
        },
        follow=True,
    ).content.decode()
    assert "1 message(s) to" in saved and "wait in the unrouted list" in saved
    with scopes_disabled():
        from portal.models import AuditEntry

        entry = AuditEntry.objects.filter(object_repr__startswith=f"+{ui.sms[1]}").first()
        assert entry is not None and entry.actor_label == ui.world.admin_a.email
    done = ui.admin.post(ui.url("unrouted_route", ui.sms[1]), follow=True).content.decode()
    assert "1 message(s) delivered" in done and "No message waits" in done


def test_the_platform_routes_a_number_once_a_tenant_holds_it(ui, as_user):
    stray = inbound(ui.channel, to=ui.sms[2], text="hello?")
    with scopes_disabled():
        Message.objects.filter(pk=stray.pk).update(unrouted="no_owner")
    root = as_user(ui.world.sysadmin)
    page = root.get(reverse("platform:unrouted_list")).content.decode()
    assert "hello?" in page and str(ui.world.a) in page
    done = root.post(reverse("platform:unrouted_route", args=[ui.sms[2]]), follow=True)
    text = done.content.decode()
    assert "0 message(s) delivered" in text and "no inbound destination" in text
    with scopes_disabled():
        assert Message.objects.get(pk=stray.pk).tenant == ui.world.a


def test_the_demo_receiver_checks_the_signature_and_its_endpoint_page_shows_the_events(
    ui, client, settings
):
    import json as jsonlib
    import time

    from messaging.services.tenant_webhooks import sign

    settings.TENANT_WEBHOOK_PRIVATE_HOSTS = True  # the portal's own address, as in make run
    url = reverse("hooks:demo_receiver", args=["tok123"])
    endpoint, secret = endpoint_save(
        tenant=ui.world.a, name="Demo", url=f"http://127.0.0.1:8000{url}"
    )
    body = jsonlib.dumps({"id": "evt_1", "type": "ping", "data": {"hello": "there"}}).encode()
    stamp = str(int(time.time()))
    unsigned = client.post(url, body, content_type="application/json")
    assert unsigned.status_code == 401
    forged = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_PORTAL_TIMESTAMP=stamp,
        HTTP_X_PORTAL_SIGNATURE=sign("wrong", stamp, body),
    )
    assert forged.status_code == 401
    signed = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_PORTAL_EVENT="ping",
        HTTP_X_PORTAL_TIMESTAMP=stamp,
        HTTP_X_PORTAL_SIGNATURE=sign(secret, stamp, body),
    )
    assert signed.status_code == 200
    assert (
        client.post(
            reverse("hooks:demo_receiver", args=["nope"]), body, content_type="application/json"
        ).status_code
        == 404
    )
    page = ui.admin.get(ui.url("webhook_detail", endpoint.pk)).content.decode()
    assert "What your system would receive" in page and "evt_1" in page


@pytest.mark.parametrize(
    "form, words",
    [
        ({"name": "", "url": "https://crm.example/h"}, "This field is required"),
        ({"name": "x" * 101, "url": "https://crm.example/h"}, "at most 100 characters"),
        ({"name": "CRM", "url": "javascript:alert(1)"}, "is not a valid URL"),
    ],
)
def test_a_wrong_endpoint_form_is_shown_inline(ui, form, words):
    page = ui.admin.post(ui.url("webhook_add"), form)
    assert page.status_code == 200 and words in page.content.decode()
    with scopes_disabled():
        assert not TenantWebhook.objects.exists()


def test_bulk_apply_with_a_number_outside_the_pool_writes_nothing(ui):
    page = ui.admin.post(
        ui.url("routing_bulk"),
        {
            "numbers": [ui.sms[0], ui.b_number],
            "destination": "agent",
            "agent": ui.world.agent_a.pk,
            "stickiness_hours": 24,
            "auto_close_days": 7,
        },
    )
    assert page.status_code == 200 and "is not an SMS-enabled number" in page.content.decode()
    with scopes_disabled():
        assert not NumberRoute.objects.exists()


def test_the_delivery_log_shows_its_last_page_for_a_page_past_the_end(ui):
    endpoint, _ = endpoint_save(tenant=ui.world.a, name="CRM", url="https://crm.example/h")
    for page in ("999", "abc", "9" * 5000):
        answer = ui.admin.get(ui.url("webhook_detail", endpoint.pk), {"page": page})
        assert answer.status_code == 200 and answer.context["page_obj"].number == 1
        assert "this is page 1 of 1" in answer.content.decode()
