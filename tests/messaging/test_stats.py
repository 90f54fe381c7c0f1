"""Message statistics: the daily roll-up counts exactly what the messages say, the pages show
it per period, per channel and per tenant, a tenant sees only its own, and the reads stay a
fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Message, MessageDay
from messaging.services.history import message_advance
from messaging.services.stats import stats_rebuild, stats_refresh

from ..conftest import login, query_counts, shown
from .factories import channel, message
from .stats_support import expected_counts, local_noon, mixed_messages

pytestmark = pytest.mark.django_db

COUNTS = ("sent", "sent_failed", "delivered", "failed", "received", "segments", "charge")


def roll_up() -> dict:
    with scopes_disabled():
        return {
            (r.day, r.channel_id, r.tenant_id): {name: getattr(r, name) for name in COUNTS}
            for r in MessageDay.objects.all()
        }


def test_the_roll_up_equals_a_direct_count_of_mixed_messages(world):
    made = mixed_messages(world)
    stats_rebuild()
    expected = expected_counts(made["messages"])
    assert roll_up() == expected
    # 4 days x 2 channels x 3 owners (A, B, no tenant), each with every kind of count.
    assert len(expected) == 24
    today_a = expected[(timezone.localdate(), made["main"].pk, world.a.pk)]
    assert today_a["delivered"] == 1 and today_a["received"] == 2
    assert today_a["sent"] + today_a["sent_failed"] == 8  # queued and sending are in neither


def test_a_rebuild_from_the_command_drops_days_whose_messages_are_gone(world):
    old = message(world.a, status="delivered", at=local_noon(3), accepted_at=local_noon(3))
    call_command("rebuild_message_stats")
    assert sum(r["delivered"] for r in roll_up().values()) == 1
    with scopes_disabled():
        Message.objects.filter(pk=old.pk).delete()
    message(world.a, status="failed", at=local_noon(0))
    call_command("rebuild_message_stats", since=str(timezone.localdate() - timedelta(days=10)))
    assert [r["sent_failed"] for r in roll_up().values()] == [1]


def test_the_minute_s_refresh_recounts_an_old_day_whose_message_changed(world):
    late = message(world.a, status="sent", at=local_noon(20), accepted_at=local_noon(20))
    message(world.a, status="sent", at=local_noon(0), accepted_at=local_noon(0))
    assert stats_refresh()["days"] == -1  # an empty roll-up: the whole history at once
    with scopes_disabled():
        Message.objects.update(updated_at=timezone.now() - timedelta(hours=2))
    MessageDay._base_manager.update(computed_at=timezone.now() - timedelta(hours=1))
    # A delivery report twenty days late.
    message_advance(message_id=late.pk, status="delivered", source="report")
    result = stats_refresh()
    assert result["days"] == 3  # today, yesterday and the old day
    day = local_noon(20).date()
    assert roll_up()[(day, late.channel_id, world.a.pk)]["delivered"] == 1


def test_a_late_charge_moves_the_day_s_charges(world):
    sent = message(world.a, status="delivered", at=local_noon(9), accepted_at=local_noon(9))
    stats_refresh()
    with scopes_disabled():
        Message.objects.update(updated_at=timezone.now() - timedelta(hours=2))
    # The report arrives again with the charge the first one lacked.
    assert not message_advance(
        message_id=sent.pk, status="delivered", source="report", fields={"charge": "0.0123"}
    )
    stats_refresh()
    assert roll_up()[(local_noon(9).date(), sent.channel_id, world.a.pk)]["charge"] == Decimal(
        "0.0123"
    )


# --- the pages ---------------------------------------------------------------------------------


def platform_page(user, **params) -> str:
    response = login(user).get(reverse("platform:message_stats"), params)
    assert response.status_code == 200
    return response.content.decode()


def tenant_page(user, slug="acme", **params):
    return login(user).get(reverse("tenant:message_stats", args=[slug]), params)


@pytest.fixture
def traffic(world):
    """Acme: today 3 delivered (one a 3-segment text) and 1 not delivered, 2 received; 10 days
    ago 5 delivered; 50 days ago 7 delivered. Globex: today 4 delivered on its own channel."""
    main, other = channel("Main"), channel("Globex line")

    def delivered(tenant, on, days_ago, **fields):
        at = local_noon(days_ago)
        return message(tenant, on=on, status="delivered", at=at, accepted_at=at, **fields)

    delivered(world.a, main, 0, segments=3, charge=Decimal("0.0150"))
    for _ in range(2):
        delivered(world.a, main, 0, charge=Decimal("0.0050"))
    message(world.a, on=main, status="undelivered", at=local_noon(0), accepted_at=local_noon(0))
    for _ in range(2):
        message(world.a, on=main, direction="inbound", status="received", at=local_noon(0))
    for _ in range(5):
        delivered(world.a, main, 10)
    for _ in range(7):
        delivered(world.a, main, 50)
    for _ in range(4):
        delivered(world.b, other, 0)
    stats_rebuild()
    return {"main": main, "other": other}


def delivered_in(user, **params) -> str:
    return shown(tenant_page(user, **params).content.decode(), "total-delivered")


def test_the_period_filter_shows_the_figures_of_that_period(world, traffic):
    assert delivered_in(world.admin_a, period="day") == "3"
    page = tenant_page(world.admin_a, period="week").content.decode()
    assert shown(page, "total-delivered") == "3"
    assert shown(page, "total-failed") == "1"
    assert shown(page, "total-received") == "2"
    assert shown(page, "delivery-rate") == "75.0 %"
    assert delivered_in(world.admin_a, period="month") == "8"
    first = (timezone.localdate() - timedelta(days=60)).isoformat()
    last = (timezone.localdate() - timedelta(days=5)).isoformat()
    page = tenant_page(world.admin_a, period="custom", since=first, until=last).content.decode()
    assert shown(page, "total-delivered") == "12"
    assert "(56 days)" in page


def test_segments_are_explained_where_they_exceed_the_messages(world, traffic):
    page = tenant_page(world.admin_a, period="day").content.decode()
    # 4 sent (one of 3 segments) and 2 received: 6 messages, 8 segments.
    assert shown(page, "total-segments") == "8"
    assert "billed as one segment" in page
    assert "Here 6 messages went as 8 segments." in page
    assert shown(page, "total-charge") == "$0.03"


@pytest.mark.parametrize(
    "params, field, says",
    [
        ({"since": "2026-02-10", "until": "2026-02-01"}, "To", "2026-02-01 is before the first"),
        ({"since": "not-a-date", "until": "2026-01-01"}, "From", "Enter a valid date."),
        ({"since": "1999-12-31", "until": "2000-01-02"}, "From", "1999-12-31 is before 2000-01-01"),
        ({"since": "2024-01-01", "until": "2025-06-30"}, "From", "at most 366 days"),
        ({"since": "2026-01-01", "until": "2999-01-01"}, "To", "2999-01-01 is after today"),
    ],
)
def test_bad_custom_dates_are_refused_naming_the_field(world, traffic, params, field, says):
    response = tenant_page(world.admin_a, period="custom", **params)
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('data-testid="stats-errors">')[1].split("</div>")[0]
    assert f"correct <strong>{field}</strong> above" in summary
    name = {"From": "since", "To": "until"}[field]
    inline = page.split(f'data-testid="field-{name}"')[1].split('<div class="col-auto"')[0]
    assert says in inline and "is-invalid" in inline
    assert 'data-testid="total-sent"' not in page  # no figures for a wrong period
    assert "is-invalid" in page


@pytest.mark.parametrize(
    "params, asks",
    [
        ({}, "Choose the first (From) and the last day (To) of the period."),
        ({"since": "2026-01-01"}, "Choose the last day of the period (To) too."),
        ({"until": "2026-01-01"}, "Choose the first day of the period (From) too."),
    ],
)
def test_custom_dates_still_to_choose_are_asked_for(world, traffic, params, asks):
    page = tenant_page(world.admin_a, period="custom", **params).content.decode()
    assert shown(page, "stats-choose") == asks
    assert 'data-testid="stats-errors"' not in page
    assert 'data-testid="total-sent"' not in page


def test_an_unknown_period_is_refused_not_a_server_error(world, traffic):
    response = tenant_page(world.admin_a, period="year")
    assert response.status_code == 200
    page = response.content.decode()
    assert "correct <strong>Period</strong> above" in page
    assert "Select a valid choice. year is not one of the available choices." in page


def test_a_tenant_admin_sees_the_tenant_s_own_figures_only(world, traffic):
    page = tenant_page(world.admin_a, period="day").content.decode()
    assert shown(page, "total-delivered") == "3"  # Globex's 4 are not in it
    assert "Globex" not in page.split("<main")[1]
    assert "Main" not in page.split("<main")[1]  # no channel names: the platform's business
    assert tenant_page(world.admin_a, slug="globex").status_code == 404
    assert tenant_page(world.agent_a).status_code == 403
    page_b = tenant_page(world.admin_b, slug="globex", period="day").content.decode()
    assert shown(page_b, "total-delivered") == "4"


def test_system_administrators_see_every_channel_and_tenant(world, traffic):
    page = platform_page(world.sysadmin, period="day")
    assert shown(page, "total-delivered") == "7"
    channels = page.split('data-testid="stats-channels"')[1].split("</table>")[0]
    assert "Main" in channels and "Globex line" in channels
    tenants = page.split('data-testid="stats-tenants"')[1].split("</table>")[0]
    assert "Acme Telecom" in tenants and "Globex Corporation" in tenants
    one = platform_page(world.sysadmin, period="day", channel=traffic["other"].pk)
    assert shown(one, "total-delivered") == "4"
    assert "Message statistics: Globex line" in one
    for user in (world.admin_a, world.support):
        assert login(user).get(reverse("platform:message_stats")).status_code == 403


def test_the_pages_are_linked_for_the_roles_that_may_see_them(world, traffic):
    home_a = login(world.admin_a).get(reverse("tenant:dashboard", args=["acme"])).content.decode()
    assert reverse("tenant:message_stats", args=["acme"]) in home_a
    agent = login(world.agent_a).get(reverse("tenant:dashboard", args=["acme"])).content.decode()
    assert reverse("tenant:message_stats", args=["acme"]) not in agent
    channels = login(world.sysadmin).get(reverse("platform:channel_list")).content.decode()
    assert f"{reverse('platform:message_stats')}?channel={traffic['main'].pk}" in channels


def test_the_pages_cost_the_same_queries_whatever_the_traffic(world):
    main = channel("Main")

    def grow(world, n):
        for i in range(n):
            at = local_noon(i % 20)
            message(world.a, on=channel(f"Extra {n}-{i}"), status="delivered", at=at)
            message(world.b, on=main, status="failed", at=at)
        stats_rebuild()

    before, after = query_counts(
        world,
        grow,
        pages=[
            ("sysadmin", reverse("platform:message_stats") + "?period=month"),
            ("admin_a", reverse("tenant:message_stats", args=["acme"]) + "?period=month"),
            ("sysadmin", reverse("platform:channel_list")),
        ],
        small=1,
        large=8,
    )
    assert before == after


# --- the channel list's last 24 hours ----------------------------------------------------------


def test_the_channel_list_shows_the_delivery_rate_of_the_last_24_hours(world):
    busy, idle = channel("Busy"), channel("Idle")
    now = timezone.now()
    for status in ("delivered", "delivered", "delivered", "undelivered", "failed", "sent"):
        message(world.a, on=busy, status=status, at=now - timedelta(hours=2))
    message(world.a, on=busy, status="undelivered", at=now - timedelta(hours=25))  # too old
    message(world.a, on=busy, direction="inbound", status="received", at=now)  # not sent
    message(world.a, on=idle, status="queued", at=now)  # no outcome yet
    page = login(world.sysadmin).get(reverse("platform:channel_list")).content.decode()
    rows = {row.split('"')[0]: row for row in page.split('<tr data-channel="')[1:]}
    assert 'title="3 delivered, 2 not delivered in the last 24 hours">60.0 %<' in rows[str(busy.pk)]
    idle_cell = rows[str(idle.pk)].split('data-testid="channel-delivered-24h">')[1]
    assert idle_cell.split("</td>")[0].endswith(">—</span>")


@pytest.mark.parametrize(
    "value", ["abc", "²", "-1", "99999999999999999999999", "a\x00b", "x" * 10_240, "[" * 20_000]
)
def test_hostile_values_are_refused_in_plain_words_not_a_server_error(world, value):
    params = {"period": value, "since": value, "until": value, "channel": value}
    for client, url in (
        (login(world.sysadmin), reverse("platform:message_stats")),
        (login(world.admin_a), reverse("tenant:message_stats", args=["acme"])),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, url
        assert 'data-testid="stats-errors"' in response.content.decode()
        custom = client.get(url, {**params, "period": "custom"})
        assert custom.status_code == 200
        page = custom.content.decode()
        from_field = page.split('data-testid="field-since"')[1].split('<div class="col-auto"')[0]
        assert "Enter a valid date." in from_field
