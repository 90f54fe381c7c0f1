# ruff: noqa: F811 - pytest fixtures imported from a shared module are used as arguments
"""Tenant webhooks against a real local HTTP server: the signature checks out with the recipe
the endpoint page shows, a 500 is retried with backoff until a 2xx, the delivery gives up after
its window, "deliver again" sends a failed one anew, and the secret never reaches the logs."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import WebhookAttempt, WebhookDelivery
from messaging.services import tenant_webhooks as hooks
from messaging.services.routing import RuleData, message_route, number_route_save
from messaging.services.tenant_webhooks import endpoint_save

from .routing_support import inbound, receiver  # noqa: F401 - a fixture


@pytest.fixture
def hooked(senders_env, receiver):
    endpoint, secret = endpoint_save(tenant=senders_env.world.a, name="CRM", url=receiver.url)
    number_route_save(
        tenant=senders_env.world.a,
        number=str(senders_env.sms[0]),
        data=RuleData(destination="webhook", endpoint=endpoint),
    )
    senders_env.endpoint, senders_env.secret, senders_env.receiver = endpoint, secret, receiver
    return senders_env


def verify_with_recipe(secret, got) -> bool:
    space: dict = {}
    exec(hooks.SIGNATURE_RECIPE, space)  # noqa: S102 - the documented snippet, as a tenant runs it
    return space["verify"](secret, got.headers, got.body)


def test_an_inbound_event_arrives_signed_and_verifies_with_the_recipe(hooked, run_tasks):
    msg = inbound(hooked.channel, to=hooked.sms[0], text="Where is my order?")
    run_tasks(message_route, message=msg)
    got = hooked.receiver.got[0]
    assert verify_with_recipe(hooked.secret, got)
    assert not verify_with_recipe("another-secret", got)
    event = hooked.receiver.json()
    assert event["type"] == "message.received" and event["tenant"] == "acme"
    assert event["data"]["text"] == "Where is my order?" and event["data"]["conversation"]
    assert got.headers["X-Portal-Event"] == "message.received"
    assert got.headers["X-Portal-Delivery"] == event["id"]
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.response_status == 200


def test_a_500_is_retried_with_backoff_then_delivered(hooked, run_tasks, hold_task):
    held = hold_task("messaging.tasks", "deliver_webhook")
    hooked.receiver.answers = [500, 503]
    run_tasks(message_route, message=inbound(hooked.channel, to=hooked.sms[0]))
    held.run_next()
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying" and "HTTP 500" in delivery.error
    assert held.messages[-1][1] == 30  # the first retry: 30 s later
    held.run_next()
    assert held.messages[-1][1] == 60  # then doubling
    held.run_next()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    with scopes_disabled():
        codes = list(WebhookAttempt.objects.values_list("status_code", flat=True))
        bodies = list(WebhookAttempt.objects.values_list("response_body", flat=True))
    assert codes == [500, 503, 200] and bodies[0] == "boom: try later"
    assert len(hooked.receiver.got) == 3
    assert len({g.headers["X-Portal-Delivery"] for g in hooked.receiver.got}) == 1


def test_it_gives_up_after_the_window_and_deliver_again_sends_it(hooked, run_tasks, hold_task):
    held = hold_task("messaging.tasks", "deliver_webhook")
    hooked.receiver.answers = [500]
    run_tasks(message_route, message=inbound(hooked.channel, to=hooked.sms[0]))
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
        # 24 hours have passed since it was made: the window ends before the next attempt.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            give_up_at=timezone.now() + timedelta(seconds=10)
        )
    held.run_next()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "Gave up after 1 attempt" in delivery.error
    with pytest.raises(ValidationError) as exc:
        hooks.delivery_redeliver(delivery=_succeeded(hooked))
    assert "only a failed one" in exc.value.messages[0]
    run_tasks(hooks.delivery_redeliver, delivery=delivery)
    held.run_next()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.delivered_at is not None
    with scopes_disabled():
        assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def _succeeded(env):
    with scopes_disabled():
        return WebhookDelivery.objects.create(
            tenant=env.world.a,
            endpoint=env.endpoint,
            event="ping",
            event_id="evt_done",
            payload={},
            due_at=timezone.now(),
            give_up_at=timezone.now(),
            status="succeeded",
        )


def test_an_unreachable_endpoint_is_recorded_as_an_attempt(hooked, hold_task):
    held = hold_task("messaging.tasks", "deliver_webhook")
    hooked.receiver.close()
    with scopes_disabled():
        hooks.test_event_send(endpoint=hooked.endpoint)
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
    hooks.WebhookRunner.run(delivery.pk)
    with scopes_disabled():
        attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "connect" in attempt.error
    assert held.messages  # waits for its retry


def test_delivery_statuses_go_to_endpoints_that_want_them(hooked, run_tasks):
    from messaging.services.events import message_status_changed

    from .factories import message

    sent = message(hooked.world.a, status="delivered")
    run_tasks(message_status_changed, message_id=sent.pk, conversation_id=None, status="delivered")
    assert hooked.receiver.json()["type"] == "message.status"
    assert hooked.receiver.json()["data"]["status"] == "delivered"
    hooked.endpoint.send_status = False
    hooked.endpoint.save()
    run_tasks(message_status_changed, message_id=sent.pk, conversation_id=None, status="delivered")
    assert len(hooked.receiver.got) == 1


def test_the_secret_never_reaches_the_logs(hooked, run_tasks, caplog):
    caplog.set_level(logging.DEBUG)
    run_tasks(message_route, message=inbound(hooked.channel, to=hooked.sms[0]))
    secret = hooks.endpoint_rotate_secret(endpoint=hooked.endpoint)
    run_tasks(hooks.test_event_send, endpoint=hooked.endpoint)
    assert len(hooked.receiver.got) == 2
    assert hooked.secret not in caplog.text and secret not in caplog.text
    assert verify_with_recipe(secret, hooked.receiver.got[1])


@pytest.mark.parametrize(
    "url, words",
    [
        ("", "Give the endpoint's URL"),
        ("not a url", "is not a valid URL"),
        ("http://crm.example.com/hook", "is not HTTPS"),
        ("ftp://crm.example.com/hook", "is not a valid URL"),
        ("https://x.example/" + "a" * 500, "at most 500"),
    ],
)
def test_a_wrong_url_is_refused_with_the_rule(senders_env, url, words):
    with pytest.raises(ValidationError) as exc:
        endpoint_save(tenant=senders_env.world.a, name="CRM", url=url)
    assert words in exc.value.message_dict["url"][0]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:8000/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
    ],
)
def test_in_production_an_address_on_the_portals_own_network_is_refused(senders_env, settings, url):
    settings.TENANT_WEBHOOK_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError) as exc:
        endpoint_save(tenant=senders_env.world.a, name="CRM", url=url)
    assert "on the portal's own network" in exc.value.message_dict["url"][0]


def test_in_production_http_is_refused_even_for_localhost(senders_env, settings):
    settings.TENANT_WEBHOOK_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError) as exc:
        endpoint_save(tenant=senders_env.world.a, name="CRM", url="http://localhost:9/h")
    assert "is not HTTPS" in exc.value.message_dict["url"][0]


def test_an_endpoint_whose_address_turned_private_is_not_called(
    hooked, run_tasks, hold_task, settings
):
    settings.TENANT_WEBHOOK_PRIVATE_HOSTS = False  # saved when allowed; delivered when not
    held = hold_task("messaging.tasks", "deliver_webhook")
    run_tasks(message_route, message=inbound(hooked.channel, to=hooked.sms[0]))
    held.run_next()
    assert hooked.receiver.got == []
    with scopes_disabled():
        attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error == "Not sent: 127.0.0.1 is on the portal's own network."


def test_a_name_is_unique_per_tenant(hooked):
    with pytest.raises(ValidationError) as exc:
        endpoint_save(tenant=hooked.world.a, name="crm", url="https://x.example/h")
    assert "already exists" in exc.value.message_dict["name"][0]


def test_a_rule_refuses_an_endpoint_that_takes_no_inbound_messages(senders_env):
    endpoint, _ = endpoint_save(
        tenant=senders_env.world.a,
        name="Statuses only",
        url="https://x.example/h",
        send_inbound=False,
    )
    with pytest.raises(ValidationError) as exc:
        number_route_save(
            tenant=senders_env.world.a,
            number=str(senders_env.sms[0]),
            data=RuleData(destination="webhook", endpoint=endpoint),
        )
    assert "does not take inbound messages" in exc.value.message_dict["endpoint"][0]


def test_old_finished_deliveries_leave_the_log(hooked, settings):
    with scopes_disabled():
        old = WebhookDelivery.objects.create(
            tenant=hooked.world.a,
            endpoint=hooked.endpoint,
            event="ping",
            event_id="evt_old",
            payload={},
            due_at=timezone.now(),
            give_up_at=timezone.now(),
            status="succeeded",
        )
        WebhookDelivery.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(days=settings.TENANT_WEBHOOK_LOG_DAYS + 1)
        )
        fresh = WebhookDelivery.objects.create(
            tenant=hooked.world.a,
            endpoint=hooked.endpoint,
            event="ping",
            event_id="evt_new",
            payload={},
            due_at=timezone.now(),
            give_up_at=timezone.now(),
            status="failed",
        )
    assert hooks.deliveries_purge() == 1
    with scopes_disabled():
        assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [fresh.pk]
