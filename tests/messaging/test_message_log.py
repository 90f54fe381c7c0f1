"""The message log: a tenant admin sees the tenant's messages, a system administrator all;
filters, totals, a message's history with the provider's answers, and the CSV export."""

import csv
import io

from django.http import StreamingHttpResponse

from tests.conftest import login, query_count, shown
from tests.factories import days_ago

from .factories import channel, charged, message


def seeded(world):
    wavix = channel()
    other = channel("Backup")
    charged(world.a, "0.0123", 2, at=days_ago(1), text="Two parts")
    charged(world.a, "0.0050", 1, at=days_ago(3), recipient="442071838750", country="GB")
    message(world.a, status="failed", reason="Rejected by the carrier", at=days_ago(0), on=other)
    message(
        world.a,
        direction="inbound",
        status="received",
        sender="16468097065",
        recipient="12125550100",
        at=days_ago(2),
    )
    charged(world.b, "9.0000", 7, at=days_ago(1), text="Globex secret")
    return wavix, other


def test_a_tenant_admin_sees_the_tenants_messages_with_totals(world):
    seeded(world)
    page = login(world.admin_a).get("/t/acme/messages/").content.decode()
    assert shown(page, "total-messages") == "4"
    assert shown(page, "total-segments") == "5", "the provider's segments where it gave them"
    assert shown(page, "total-charge") == "$0.0173"
    assert "Globex secret" not in page
    assert "Rejected by the carrier" in page


def test_filters_narrow_the_list_and_its_totals(world):
    wavix, other = seeded(world)
    client = login(world.admin_a)

    def total(query) -> str:
        if isinstance(query, str):
            query = dict(pair.split("=") for pair in query.split("&"))
        return shown(client.get("/t/acme/messages/", query).content.decode(), "total-messages")

    assert total("status=delivered") == "2"
    assert total("direction=inbound") == "1"
    assert total(f"since={days_ago(2).date()}&until={days_ago(1).date()}") == "2"
    assert total({"recipient": "+44 20"}) == "1"
    assert total({"sender": "+1 (646)"}) == "1"
    assert total({"sender": "+1 (212)"}) == "3"
    assert total({"q": "two PARTS"}) == "1"
    assert total({"q": "+44 20"}) == "1"
    assert total(f"channel={other.pk}") == "1"
    page = client.get("/t/acme/messages/?since=1999-01-01").content.decode()
    assert "before 2000-01-01: no message is that old" in page
    page = client.get("/t/acme/messages/?status=lost").content.decode()
    assert "Select a valid choice. lost is not one of the available choices." in page


def test_the_platform_sees_every_tenant_and_filters_by_tenant(world):
    seeded(world)
    client = login(world.sysadmin)
    page = client.get("/platform/messages/").content.decode()
    assert shown(page, "total-messages") == "5" and "Globex Corporation" in page
    page = client.get("/platform/messages/?tenant=globex").content.decode()
    assert shown(page, "total-messages") == "1" and shown(page, "total-charge") == "$9.0000"
    assert login(world.admin_a).get("/platform/messages/").status_code == 403


def test_a_messages_detail_shows_its_history_and_the_providers_answers(world):
    channel()
    msg = message(
        world.a,
        status="undelivered",
        reason="Destination unreachable",
        events=[
            ("accepted", "provider", "", {"message_id": "wx-77", "status": "accepted"}),
            ("undelivered", "report", "Destination unreachable", {"error": "unreachable"}),
        ],
    )
    page = login(world.admin_a).get(f"/t/acme/messages/{msg.pk}/").content.decode()
    assert page.count('data-testid="history-entry"') == 3
    assert "Not delivered" in page and "Destination unreachable" in page
    assert "&quot;message_id&quot;: &quot;wx-77&quot;" in page
    assert login(world.admin_b).get(f"/t/acme/messages/{msg.pk}/").status_code == 404
    assert login(world.admin_b).get(f"/t/globex/messages/{msg.pk}/").status_code == 404
    assert login(world.sysadmin).get(f"/platform/messages/{msg.pk}/").status_code == 200


def test_the_csv_export_streams_the_filtered_set_with_formulas_neutralised(world):
    seeded(world)
    message(world.a, text='=HYPERLINK("http://evil")', at=days_ago(0))
    response = login(world.admin_a).get("/t/acme/messages/export.csv?direction=outbound")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="acme-messages.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4 and {r["tenant"] for r in rows} == {"acme"}
    assert {r["direction"] for r in rows} == {"outbound"}
    assert '\'=HYPERLINK("http://evil")' in {r["text"] for r in rows}
    assert {r["charge_usd"] for r in rows} >= {"0.01230", "0.00500"}
    response = login(world.sysadmin).get("/platform/messages/export.csv?tenant=globex")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["text"] for r in rows] == ["Globex secret"]


def test_a_page_costs_the_same_queries_for_5_or_60_messages(world, django_assert_max_num_queries):
    channel()
    tenant_client, platform_client = login(world.admin_a), login(world.sysadmin)
    tenant_client.get("/t/acme/messages/")  # the first visit records the last tenant

    def grow(n):
        for i in range(n):
            charged(world.a if i % 2 else world.b, "0.01", 1, at=days_ago(i % 5))

    grow(5)
    small = (
        query_count(tenant_client, "/t/acme/messages/"),
        query_count(platform_client, "/platform/messages/"),
    )
    grow(55)
    with django_assert_max_num_queries(small[0]):
        tenant_client.get("/t/acme/messages/")
    with django_assert_max_num_queries(small[1]):
        platform_client.get("/platform/messages/")
