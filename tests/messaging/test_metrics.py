"""/metrics for operators: refused without the bearer token or with a wrong one, absent when
no token is set, served to Prometheus and to a logged-in system administrator, with the
per-channel counters, the queue depth, the throttle count and the webhook intake's latency."""

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from messaging.models import Outbox
from messaging.services import outbox
from messaging.services.stats import stats_rebuild

from ..conftest import login
from .factories import channel, message

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client=None, **headers):
    return (client or Client()).get("/metrics", **headers)


def samples(response) -> dict:
    """{(sample name, channel label): value} of a scrape, parsed as Prometheus parses it."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            if "le" in sample.labels:
                continue  # the histogram's buckets: its count and sum are enough here
            key = (sample.name, sample.labels.get("channel") or sample.labels.get("kind"))
            found[key] = sample.value
    return found


def test_without_a_token_setting_there_is_no_endpoint(world, settings):
    settings.METRICS_TOKEN = ""
    assert scrape().status_code == 404
    assert scrape(login(world.sysadmin)).status_code == 404


def test_a_scrape_without_or_with_a_wrong_token_is_refused(world, token):
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}x"},
        {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"},
        {"HTTP_AUTHORIZATION": "Bearer a\x00b"},
    ):
        response = scrape(**headers)
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"portal_messages" not in response.content
    assert scrape(login(world.admin_a)).status_code == 401  # a tenant admin is no operator


def test_prometheus_and_a_system_administrator_read_the_channel_figures(world, token):
    main = channel("Main")
    channel("Idle")
    now = timezone.now()
    for status in ("delivered", "delivered", "undelivered", "failed"):
        taken = None if status == "failed" else now
        message(world.a, on=main, status=status, at=now, accepted_at=taken)
    message(world.b, on=main, direction="inbound", status="received", at=now)
    queued = message(world.a, on=main, status="queued", at=now)
    Outbox.objects.create(message=queued, channel=main, due_at=now)
    stats_rebuild()

    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    figures = samples(response)
    assert figures[("portal_messages_sent_total", "Main")] == 3
    assert figures[("portal_messages_delivered_total", "Main")] == 2
    assert figures[("portal_messages_failed_total", "Main")] == 1
    assert figures[("portal_messages_not_sent_total", "Main")] == 1
    assert figures[("portal_messages_received_total", "Main")] == 1
    assert figures[("portal_outbox_queue_depth", "Main")] == 1
    assert figures[("portal_outbox_queue_depth", "Idle")] == 0
    assert figures[("portal_messages_sent_total", "Idle")] == 0
    assert scrape(login(world.sysadmin)).status_code == 200


def test_the_rate_limiter_s_waits_are_counted_per_channel(world, token, monkeypatch):
    main = channel("Main", rate=1)
    waits = iter([0.001, 0.001, 0.001])
    monkeypatch.setattr(outbox.rate, "slot_wait", lambda *a: next(waits, 0.0))
    outbox.outbox_pump(channel_id=main.pk, seconds=2)  # waits three times, then nothing is due
    outbox.outbox_pump(channel_id=main.pk, seconds=2)  # no wait: the count stays
    figures = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert figures[("portal_messages_throttled_total", "Main")] == 3


def test_the_webhook_intake_s_latency_is_a_histogram(world, token):
    def count(kind):
        return samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")).get(
            ("portal_webhook_intake_seconds_count", kind), 0
        )

    before_dlr, before_inbound = count("dlr"), count("inbound")
    Client().post("/hooks/dlr/unknown-token/", data="{}", content_type="application/json")
    Client().post("/hooks/dlr/unknown-token/", data="{}", content_type="application/json")
    Client().post("/hooks/inbound/unknown-token/", data="{}", content_type="application/json")
    assert count("dlr") == before_dlr + 2
    assert count("inbound") == before_inbound + 1
