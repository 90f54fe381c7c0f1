"""Call records: the incremental pull from Wavix, who sees which calls, filters, totals, the
chart, and the streamed CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.services import pool_save
from sandbox.wavix.models import SandboxCdr
from trunks.models import Cdr
from trunks.services import assignment_save
from trunks.tasks import pull_cdrs

from ..conftest import login
from ..factories import call_record, sip_trunk, wavix_account

pytestmark = pytest.mark.django_db


def stored() -> int:
    with scopes_disabled():
        return Cdr.objects.count()


@pytest.fixture
def calls(wavix):
    """Acme holds half of the numbers the sandbox's calls use; the CDRs are pulled."""
    ours = sorted(
        {
            int(c)
            for c in SandboxCdr.objects.filter(direction="placed").values_list("caller", flat=True)
        }
        | {
            int(c)
            for c in SandboxCdr.objects.filter(direction="received").values_list(
                "callee", flat=True
            )
        }
    )
    acme = ours[: len(ours) // 2]
    pool_save(tenant=wavix.world.a, text=";".join(map(str, acme)))
    pull_cdrs()
    return acme


def test_the_pull_stores_every_call_once_and_then_only_new_ones(calls, wavix):
    assert stored() == SandboxCdr.objects.count() > 100
    assert pull_cdrs() == 0
    template = SandboxCdr.objects.first()
    template.pk, template.call_id, template.date = None, None, timezone.now()
    import uuid

    template.call_id = uuid.uuid4()
    template.save()
    assert pull_cdrs() == 1 and stored() == SandboxCdr.objects.count()


def test_a_tenant_admin_sees_only_calls_of_its_numbers(calls, wavix):
    with scopes_disabled():
        acme_calls = Cdr.objects.filter(tenant=wavix.world.a).count()
    assert 0 < acme_calls < stored()
    page = login(wavix.world.admin_a).get("/t/acme/calls/").content.decode()
    assert f'data-testid="total-calls">{acme_calls}<' in page
    globex = login(wavix.world.admin_b).get("/t/globex/calls/").content.decode()
    assert 'data-testid="total-calls">0<' in globex
    everything = login(wavix.world.sysadmin).get("/platform/calls/").content.decode()
    assert f'data-testid="total-calls">{stored()}<' in everything
    assert login(wavix.world.agent_a).get("/t/acme/calls/").status_code == 403


def test_filters_and_totals_agree(calls, wavix):
    client = login(wavix.world.sysadmin)
    today = timezone.localdate()
    since = today - timedelta(days=2)
    response = client.get(
        "/platform/calls/",
        {"since": since.isoformat(), "direction": "placed", "disposition": "answered"},
    )
    with scopes_disabled():
        expected = Cdr.objects.filter(
            started_at__date__gte=since, direction="placed", disposition="answered"
        )
        minutes = round(sum(expected.values_list("duration", flat=True)) / 60, 1)
        count = expected.count()
    page = response.content.decode()
    assert f'data-testid="total-calls">{count}<' in page
    assert f'data-testid="total-minutes">{minutes}<' in page
    chart = response.context["chart"]
    assert sum(chart["calls"]) == count and len(chart["labels"]) == 31
    number = calls[0]
    by_number = client.get("/platform/calls/", {"number": str(number)}).context["totals"]
    with scopes_disabled():
        assert (
            by_number.calls
            == Cdr.objects.filter(from_number=str(number)).count()
            + Cdr.objects.filter(to_number=str(number)).count()
        )


def test_calls_filter_by_recorded_transcribed_or_neither(calls, wavix):
    client = login(wavix.world.sysadmin)

    def listed(recording: str) -> int:
        return client.get("/platform/calls/", {"recording": recording}).context["totals"].calls

    with scopes_disabled():
        recorded = Cdr.objects.filter(recorded=True).count()
        transcribed = Cdr.objects.filter(transcription="completed").count()
        total = Cdr.objects.count()
    assert 0 < transcribed < recorded < total
    assert listed("recorded") == recorded
    assert listed("transcribed") == transcribed
    assert listed("none") == total - recorded
    refused = client.get("/platform/calls/", {"recording": "maybe"})
    assert "Select a valid choice. maybe is not one of the available choices." in (
        refused.content.decode()
    )


def test_the_csv_export_streams_the_filtered_set(calls, wavix):
    response = login(wavix.world.admin_a).get("/t/acme/calls/export.csv", {"direction": "received"})
    assert response.streaming and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    with scopes_disabled():
        expected = Cdr.objects.filter(tenant=wavix.world.a, direction="received").count()
    assert rows[0][0] == "started_at" and len(rows) - 1 == expected
    assert {r[1] for r in rows[1:]} == {"received"}


def test_list_queries_do_not_grow_with_calls(calls, wavix, django_assert_max_num_queries):
    client = login(wavix.world.sysadmin)
    with CaptureQueriesContext(connection) as small:
        client.get("/platform/calls/?per_page=10")
    with django_assert_max_num_queries(len(small)):
        client.get("/platform/calls/?per_page=100")


def test_a_date_too_early_to_chart_is_refused_naming_it(world, api_as):
    # The chart reaches back 31 days from "To": a year-1 date used to overflow (a 500).
    for user, url in [(world.sysadmin, "/platform/calls/"), (world.admin_a, "/t/acme/calls/")]:
        response = login(user).get(url, {"until": "0001-01-05"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "To: 0001-01-05 is before 2000-01-01: no call record is that old." in page
    response = api_as(world.sysadmin).get("/api/v1/cdrs/", {"since": "0001-01-05"})
    assert response.status_code == 400
    assert "0001-01-05 is before 2000-01-01" in str(response.json())


def test_a_platform_token_filtering_by_an_unknown_trunk_gets_no_calls(world, api_as):
    account = wavix_account()
    trunk = sip_trunk(account, label="Ours")
    call_record(account, tenant=world.a, trunk=trunk, started_at=timezone.now())
    client = api_as(world.sysadmin)
    assert len(client.get("/api/v1/cdrs/", {"trunk": trunk.pk}).json()["results"]) == 1
    unknown = client.get("/api/v1/cdrs/", {"trunk": trunk.pk + 1000})
    assert unknown.status_code == 200 and unknown.json()["results"] == []
    junk = client.get("/api/v1/cdrs/", {"trunk": "abc"})
    assert junk.status_code == 400 and "trunk" in junk.json()["errors"]


def test_a_tenant_filters_its_calls_by_its_own_trunks_only(world, api_as):
    account = wavix_account()
    ours, theirs = sip_trunk(account, label="Ours"), sip_trunk(account, label="Theirs")
    with scopes_disabled():
        assignment_save(trunk=ours, tenant=world.a, numbers="16468097180", max_calls=2)
        assignment_save(trunk=theirs, tenant=world.b, numbers="16468097190", max_calls=2)
    call_record(account, tenant=world.a, trunk=ours, started_at=timezone.now())
    client = api_as(world.admin_a, world.a)

    mine = client.get("/api/v1/tenants/acme/cdrs/", {"trunk": ours.pk})
    other = client.get("/api/v1/tenants/acme/cdrs/", {"trunk": theirs.pk})
    unknown = client.get("/api/v1/tenants/acme/cdrs/", {"trunk": theirs.pk + 1000})

    assert mine.status_code == 200 and len(mine.json()["results"]) == 1
    # Another tenant's trunk matches no call, exactly like one that does not exist.
    assert other.status_code == unknown.status_code == 200
    assert other.json()["results"] == []
    assert str(other.json()).replace(str(theirs.pk), "N") == str(unknown.json()).replace(
        str(theirs.pk + 1000), "N"
    )


def _rows(page: str) -> list[list[str]]:
    """The cells of the call table, as text."""
    import re

    table = page.split('data-testid="cdr-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def test_calls_show_numbers_with_plus_dispositions_in_words_and_unknown_trunks_said_so(world):
    account = wavix_account()
    known = sip_trunk(account, label="Acme PBX", sip_username="111222")
    now = timezone.now()
    call_record(account, tenant=world.a, trunk=known, started_at=now, disposition="answered")
    call_record(
        account,
        tenant=world.a,
        started_at=now - timedelta(minutes=1),
        disposition="noanswer",
        sip_trunk="987654",
        from_number="16468097065",
        to_number="442071838750",
    )
    call_record(
        account, tenant=world.a, started_at=now - timedelta(minutes=2), disposition="weird_one"
    )

    platform = _rows(login(world.sysadmin).get("/platform/calls/").content.decode())
    # Time, direction, from, to, disposition, duration, cost, trunk, destination.
    assert [row[4] for row in platform] == ["Answered", "No answer", "Weird one"]
    assert [row[7] for row in platform] == ["Acme PBX", "Unknown trunk (SIP user 987654)", "—"]
    assert platform[1][2:4] == ["+16468097065", "+442071838750"]
    assert all(row[2].startswith("+") and row[3].startswith("+") for row in platform)

    # A tenant is not shown another trunk's SIP login.
    tenant = _rows(login(world.admin_a).get("/t/acme/calls/").content.decode())
    assert [row[7] for row in tenant] == ["Acme PBX", "Unknown trunk", "—"]
    assert tenant[1][4] == "No answer"


def test_a_bad_filter_is_named_by_its_label(world):
    page = login(world.sysadmin).get("/platform/calls/", {"since": "abc", "trunk": "²"})
    assert page.status_code == 200
    errors = page.content.decode().split('data-testid="filter-errors">', 1)[1].split("</div></", 1)
    assert "<div>From: Enter a valid date.</div>" in errors[0]
    assert "<div>Trunk: Select a valid choice." in errors[0]
