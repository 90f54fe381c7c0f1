"""The gateway's balance: "Run test" shows the parsed balance (or the error sentence); the
channel list shows it; a balance below the minimum raises the dashboard warning and sends one
e-mail, not again on the next check, and the warning goes once the balance is back above;
the beat checks each channel only when its interval is up."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging.models import ChannelBalance
from messaging.services.balance import balance_check, balance_check_due
from sandbox.gateways.services import account_set
from tests.conftest import login


@pytest.fixture
def low(make_gateway):
    return make_gateway(
        "bulksms",
        balance_minimum="10",
        balance_email="noc@portal.example",
        balance_dashboard=True,
        balance_interval="hour",
    )


def dashboard(world) -> str:
    return login(world.sysadmin).get(reverse("platform:dashboard")).content.decode()


def test_run_test_shows_the_parsed_balance(world, low):
    account_set(gateway="bulksms", balance=Decimal("57.25"))
    client = login(world.sysadmin)
    page = client.post(
        reverse("platform:channel_balance_check", args=[low.channel.pk]), follow=True
    ).content.decode()
    assert "The gateway answered: the balance is 57.25." in page
    assert 'data-testid="balance-value">57.25<' in page


def test_run_test_waits_the_short_read_timeout_of_a_check_and_the_beat_the_usual_one(
    world, low, monkeypatch
):
    import requests

    from messaging.providers.http import CHECK_READ_TIMEOUT, READ_TIMEOUT

    waited = []
    real = requests.Session.request

    def spy(self, method, url, **kwargs):
        waited.append(kwargs["timeout"][1])
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    client = login(world.sysadmin)
    client.post(reverse("platform:channel_balance_check", args=[low.channel.pk]))
    balance_check(channel=low.channel)
    assert waited == [CHECK_READ_TIMEOUT, READ_TIMEOUT] and CHECK_READ_TIMEOUT < READ_TIMEOUT


def test_run_test_shows_the_error_sentence_when_the_gateway_fails(world, low):
    account_set(gateway="bulksms", fail_next=1, fail_status=503)
    page = (
        login(world.sysadmin)
        .post(reverse("platform:channel_balance_check", args=[low.channel.pk]), follow=True)
        .content.decode()
    )
    assert "The balance check failed:" in page and "too busy (HTTP 503)" in page


def test_the_channel_list_shows_the_balance_and_a_dash_when_never_checked(world, low):
    account_set(gateway="bulksms", balance=Decimal("12.3"))
    client = login(world.sysadmin)
    row = client.get(reverse("platform:channel_list")).content.decode()
    assert 'data-testid="channel-balance"><span class="text-body-secondary">—' in row
    balance_check(channel=low.channel)
    row = client.get(reverse("platform:channel_list")).content.decode()
    assert 'data-testid="channel-balance">12.30<' in row


def test_a_low_balance_alerts_once_by_mail_and_on_the_dashboard_until_back_above(
    world, low, smtp_server, run_tasks
):
    account_set(gateway="bulksms", balance=Decimal("9.50"))
    run_tasks(balance_check, channel=low.channel)
    assert len(smtp_server.to("noc@portal.example")) == 1
    mail = smtp_server.to("noc@portal.example")[0]
    assert low.channel.name in mail["Subject"] and "9.5" in mail["Subject"]
    assert "below the minimum of 10" in smtp_server.body(mail)
    page = dashboard(world)
    assert f'The SMS balance of <a href="/platform/channels/{low.channel.pk}/">' in page
    assert "is 9.50, below its minimum of 10" in page

    account_set(gateway="bulksms", balance=Decimal("8"))
    run_tasks(balance_check, channel=low.channel)
    assert len(smtp_server.messages) == 1  # still low: no second e-mail
    assert "is 8, below its minimum of 10" in dashboard(world)
    rows = login(world.sysadmin).get(reverse("platform:channel_list")).content.decode()
    assert '8.00 <span class="badge text-bg-warning"' in rows

    account_set(gateway="bulksms", balance=Decimal("25"))
    run_tasks(balance_check, channel=low.channel)
    assert 'data-testid="low-balance"' not in dashboard(world)

    account_set(gateway="bulksms", balance=Decimal("3"))
    run_tasks(balance_check, channel=low.channel)
    assert len(smtp_server.messages) == 2  # a new crossing: told again


def test_without_the_dashboard_notice_only_the_mail_tells(
    world, make_gateway, smtp_server, run_tasks
):
    gw = make_gateway("clickatell", balance_minimum="50", balance_email="ops@portal.example")
    account_set(gateway="clickatell", balance=Decimal("5"))
    run_tasks(balance_check, channel=gw.channel)
    assert len(smtp_server.to("ops@portal.example")) == 1
    assert 'data-testid="low-balance"' not in dashboard(world)
    assert ChannelBalance.objects.get(channel=gw.channel).alerting


def test_the_beat_checks_a_channel_only_when_its_interval_is_up(low, make_gateway):
    daily = make_gateway("burstsms", numbers="13325550305", balance_interval="day")
    assert balance_check_due() == 2
    assert balance_check_due() == 0
    ChannelBalance.objects.update(checked_at=timezone.now() - timedelta(hours=2))
    assert balance_check_due() == 1  # the hourly one; the daily one waits
    assert ChannelBalance.objects.get(channel=daily.channel).checked_at < timezone.now() - (
        timedelta(hours=1)
    )


def test_the_channel_list_reads_the_balances_without_a_query_per_row(world, make_gateway):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.sysadmin)
    url = reverse("platform:channel_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = make_gateway("bulksms", numbers="13325550300")
    balance_check(channel=first.channel)
    client.get(url)
    one = queries()
    for n, gateway in ((1, "clickatell"), (2, "burstsms")):
        balance_check(channel=make_gateway(gateway, numbers=f"1332555030{n}").channel)
    assert queries() == one
    assert client.get(url).content.decode().count('data-testid="channel-balance">100.00<') == 3
