"""The number validator against the Wavix sandbox (in process, through the real client): one
number laid out as Wavix's table, a list validated synchronously, a longer one asynchronously
over several polls (partial results saved as they come, once each), Wavix failing, the pages,
the API, the CSV, and the send-time check of messages."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from dids import selectors
from dids.models import ValidationJob, ValidationResult, ValidatorSettings
from dids.services import validator as services
from portal.models import AuditEntry
from sandbox.wavix.faults import faults_set

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db

GB_MOBILE = 447537151866
NY_MOBILE, NY_LANDLINE = 16468097065, 16468097066
# The sandbox's made-up network facts (sandbox/wavix/lookup.py): number % 23.
RISKY, ROAMING, UNALLOCATED, UNREACHABLE = 16468097060, 16468097061, 16468097062, 16468097063


@pytest.fixture
def validator(world, sandbox_account, run_tasks):
    world.account, world.run_tasks = sandbox_account, run_tasks
    return world


def start(world, numbers, kind="validation", single=False):
    with scope(tenant=world.a):
        return world.run_tasks(
            services.validation_start,
            tenant=world.a,
            kind=kind,
            numbers=numbers,
            single=single,
            user=world.admin_a,
        )


def reload(job) -> ValidationJob:
    with scopes_disabled():
        return ValidationJob.objects.get(pk=job.pk)


def results(job) -> dict[int, ValidationResult]:
    with scopes_disabled():
        return {r.number: r for r in ValidationResult.objects.filter(job_id=job.pk)}


# Services -----------------------------------------------------------------------------------


def test_a_list_is_validated_in_one_request_with_each_numbers_facts_and_wavixs_charge(validator):
    job = reload(start(validator, [GB_MOBILE, NY_LANDLINE, UNALLOCATED, RISKY, ROAMING]))
    assert job.status == "succeeded" and not job.run_async
    assert (job.validated, job.invalid, job.total) == (5, 1, 5)
    assert job.total_cost == Decimal("0.075") == job.estimated_cost
    found = results(job)
    gb = found[GB_MOBILE]
    assert (gb.valid, gb.number_type, gb.country, gb.timezone) == (
        True,
        "mobile",
        "GB",
        "UTC+00:00",
    )
    assert gb.carrier and gb.mcc == "234" and gb.reachable is True and gb.roaming is False
    assert found[NY_LANDLINE].reachable is None, "reachability is for mobiles only"
    assert found[UNALLOCATED].valid is False and found[UNALLOCATED].unallocated is True
    assert found[RISKY].risky is True and found[ROAMING].roaming is True
    assert validator.account.transport.request_count == 1
    assert job.note == "5 of 5 validated; 1 invalid."


def test_a_format_check_returns_only_the_formats(validator):
    job = start(validator, [GB_MOBILE], kind="format", single=True)
    gb = results(job)[GB_MOBILE]
    assert gb.valid and gb.national_format == "07537 151866" and gb.country == "GB"
    assert gb.number_type == "" and gb.carrier == "" and gb.reachable is None
    assert reload(job).total_cost == Decimal("0.002")


def test_more_than_the_sync_limit_goes_async_and_fills_up_over_several_polls(
    validator, monkeypatch, hold_task
):
    monkeypatch.setattr("dids.services.validator.SYNC_LIMIT", 3)
    held = hold_task("dids.tasks", "validation_run_job")
    numbers = [NY_MOBILE + i for i in range(8)]
    with scope(tenant=validator.a):
        job = validator.run_tasks(
            services.validation_start, tenant=validator.a, kind="analysis", numbers=numbers
        )
    held.run_next()  # submits: Wavix answers a request id
    job = reload(job)
    assert job.run_async and job.request_uuid and job.polling and job.validated == 0
    seen = []
    while held.messages:
        args, countdown = held.messages[0]
        assert countdown == 5, "polled every WAVIX_VALIDATION_POLL_SECONDS"
        held.run_next()
        seen.append(reload(job).validated)
    assert seen == [2, 4, 6, 8], "partial results are saved as each poll returns them"
    job = reload(job)
    assert job.status == "succeeded" and job.polls == 4 and job.attempt == 1
    assert len(results(job)) == 8 and job.total_cost == Decimal("0.040")


def test_a_repeated_poll_saves_nothing_twice(validator, monkeypatch, hold_task):
    monkeypatch.setattr("dids.services.validator.SYNC_LIMIT", 1)
    held = hold_task("dids.tasks", "validation_run_job")
    with scope(tenant=validator.a):
        job = validator.run_tasks(
            services.validation_start,
            tenant=validator.a,
            kind="format",
            numbers=[NY_MOBILE, NY_LANDLINE],
        )
    held.run_next()
    args, _ = held.messages[0]
    held.run_next()  # the first poll
    held.task(*args)  # the same message delivered again: the job is running no more for it
    while held.messages:
        held.run_next()
    assert reload(job).status == "succeeded" and len(results(job)) == 2


def test_wavix_failing_fails_the_job_with_a_plain_reason(validator, hold_task, no_client_backoff):
    held = hold_task("dids.tasks", "validation_run_job")
    faults_set(account=validator.account.sandbox, error_rate=1.0, path_prefix="/v1/validation")
    with scope(tenant=validator.a):
        job = validator.run_tasks(
            services.validation_start, tenant=validator.a, kind="validation", numbers=[NY_MOBILE]
        )
    held.run_next()
    assert reload(job).status == "retrying" and not reload(job).polling
    while held.messages:
        held.run_next()
    job = reload(job)
    assert job.status == "failed"
    assert job.error.startswith("Wavix had a problem on its side, even after 5 attempts, so the")
    assert "503" in job.error_detail and "503" not in job.error


def test_a_tenant_with_no_account_is_told_so(world):
    with scope(tenant=world.a), pytest.raises(Exception) as refused:
        services.validation_start(tenant=world.a, kind="format", numbers=[NY_MOBILE])
    assert "There is no Wavix account to validate with" in str(refused.value)


def test_the_account_is_the_one_holding_most_of_the_tenants_numbers(validator):
    from dids.models import Did
    from dids.services import pool_save
    from portal.services import wavix_account_save

    other = wavix_account_save(
        name="Other", base_url="https://x.example", auth_mode="bearer", api_key="k" * 20
    )
    pool_save(tenant=validator.b, text="12125550000-12125550009")
    for n in range(3):
        Did.objects.create(number=12125550000 + n, account=other)
    assert selectors.tenant_wavix_account(validator.b) == other
    assert selectors.tenant_wavix_account(validator.a) == validator.account, "the default"


def test_starting_a_job_is_audited(validator):
    job = start(validator, [NY_MOBILE])
    with scopes_disabled():
        entry = AuditEntry.objects.get(object_id=str(job.pk), action="create")
    assert entry.tenant_id == validator.a.pk
    assert entry.after["numbers"] == 1


# Pages -------------------------------------------------------------------------------------


def test_one_number_shows_its_cost_then_its_result_as_wavixs_table(validator):
    client = login(validator.admin_a)
    page = client.post(
        "/t/acme/validator/number/",
        {"type": "analysis", "number": "+44 7537 151866", "action": "preview"},
    ).content.decode()
    assert "1 number × 0.005 = 0.005" in page
    response = client.post(
        "/t/acme/validator/number/",
        {"type": "analysis", "number": "+44 7537 151866", "action": "run"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        job = ValidationJob.objects.get()
    assert response["Location"] == f"/t/acme/validator/jobs/{job.pk}/"
    from dids.tasks import validation_run_job

    validation_run_job(job.pk)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="validation-seed-table"' in page
    assert "Current carrier" in page and "Stour Marine" in page
    assert "not returned by “analysis”" in page, "timezone is a validation-type field"
    assert "United Kingdom (GB)" in page


def test_a_pasted_list_lists_bad_entries_by_line_and_sends_nothing_until_they_are_fixed(
    validator,
):
    client = login(validator.admin_a)
    text = "+16468097065\n(646) 809-7066, 12\n+16468097065\nhello"
    page = client.post(
        "/t/acme/validator/list/", {"type": "validation", "numbers": text, "action": "run"}
    ).content.decode()
    assert "2 entries are not a phone number and would not be sent" in page
    assert '<td>2</td><td class="font-monospace">12</td>' in page
    assert '<td>4</td><td class="font-monospace">hello</td>' in page
    with scopes_disabled():
        assert not ValidationJob.objects.exists()
    page = client.post(
        "/t/acme/validator/list/",
        {"type": "validation", "numbers": "+16468097065\n(646) 809-7066;+16468097065"},
    ).content.decode()
    assert "2 numbers × 0.015 = 0.030" in page and "1 duplicate collapsed" in page


def test_a_csv_upload_reads_the_number_column_and_the_job_page_has_the_table_and_export(
    validator,
):
    client = login(validator.admin_a)
    data = b"name,phone\nAlice,+16468097065\nBob,=HYPERLINK(1)\nCarol,+16468097062\n"
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    page = client.post(
        "/t/acme/validator/list/", {"type": "analysis", "file": upload}
    ).content.decode()
    assert "1 entry is not a phone number" in page and "=HYPERLINK(1)" in page
    page = client.post(
        "/t/acme/validator/list/",
        {"type": "analysis", "numbers": "16468097065\n16468097062", "action": "run"},
    )
    with scopes_disabled():
        job = ValidationJob.objects.get()
    from dids.tasks import validation_run_job

    validation_run_job(job.pk)
    page = client.get(f"/t/acme/validator/jobs/{job.pk}/").content.decode()
    assert 'data-testid="validation-results"' in page and "Unallocated" in page
    invalid = client.get(f"/t/acme/validator/jobs/{job.pk}/?valid=no").content.decode()
    assert 'data-number="16468097062"' in invalid and 'data-number="16468097065"' not in invalid
    export = client.get(f"/t/acme/validator/jobs/{job.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:4] == ["number", "valid", "type", "carrier"]
    assert rows[1][:3] == ["16468097062", "no", "landline"]
    assert rows[2][:3] == ["16468097065", "yes", "mobile"]


def test_a_file_over_1_mb_is_refused_before_it_is_read(validator):
    client = login(validator.admin_a)
    upload = SimpleUploadedFile("big.csv", b"1" * 1_000_001, content_type="text/csv")
    page = client.post("/t/acme/validator/list/", {"type": "format", "file": upload}).content
    assert "a file may have at most 1,000,000 (1 MB)" in page.decode()


def test_agents_may_not_validate_and_system_admins_see_every_job(validator):
    start(validator, [NY_MOBILE])
    agent = login(validator.agent_a)
    for url in ("/t/acme/validator/", "/t/acme/validator/number/", "/t/acme/validator/list/"):
        assert agent.get(url).status_code == 403
    page = login(validator.sysadmin).get("/platform/validator/").content.decode()
    assert "Acme Telecom" in page and "Validation of 1 number" in page
    assert login(validator.admin_a).get("/platform/validator/").status_code == 403


def test_system_admins_set_the_price_tenants_see(validator):
    client = login(validator.sysadmin)
    response = client.post(
        "/platform/validator/prices/",
        {"format": "0.001", "analysis": "0.004", "validation": "0.020"},
    )
    assert response.status_code == 302
    page = login(validator.admin_a).post(
        "/t/acme/validator/number/",
        {"type": "validation", "number": "+16468097065", "action": "preview"},
    )
    assert "1 number × 0.0200 = 0.0200" in page.content.decode()
    refused = client.post(
        "/platform/validator/prices/", {"format": "-1", "analysis": "0", "validation": "0"}
    )
    assert refused.status_code == 302 and selectors.validation_prices()["format"] == Decimal(
        "0.0010"
    )


# API ---------------------------------------------------------------------------------------


def test_the_api_starts_a_list_and_a_single_number_and_pages_the_results(
    validator, django_capture_on_commit_callbacks
):
    eager = django_capture_on_commit_callbacks
    client = api_client(validator.admin_a, validator.a)
    url = "/api/v1/tenants/acme/validation-jobs/"
    bad = client.post(url, {"type": "format", "numbers": ["+16468097065", "12"]}, format="json")
    assert bad.status_code == 400, bad.json()
    assert "Entry 2, “12”, is not a phone number" in bad.json()["errors"]["numbers"][0]
    with eager(execute=True):
        made = client.post(
            url, {"type": "format", "numbers": ["+16468097065", "16468097066"]}, format="json"
        )
    assert made.status_code == 202, made.json()
    job = made.json()["id"]
    detail = client.get(f"{url}{job}/").json()
    assert detail["status"] == "succeeded" and len(detail["results"]) == 2
    page = client.get(f"{url}{job}/results/", {"valid": "yes"}).json()
    assert [r["number"] for r in page["results"]] == ["+16468097065", "+16468097066"]
    assert (
        client.get(f"{url}{job}/results/", {"q": "+1646809706", "valid": "no"}).json()["results"]
        == []
    )
    wrong = client.get(f"{url}{job}/results/", {"type": "fax"})
    assert wrong.status_code == 400
    assert "fax is not one of the available choices" in wrong.json()["errors"]["type"][0]
    assert client.get(f"{url}{job}/export/").status_code == 200
    with eager(execute=True):
        one = client.post(
            f"{url}validate/", {"type": "validation", "number": "+447537151866"}, format="json"
        )
    assert one.status_code == 202 and one.json()["single"] is True
    agent = api_client(validator.agent_a, validator.a)
    assert agent.get(url).status_code == 403


# The send-time check -----------------------------------------------------------------------


def test_a_message_to_a_number_found_invalid_is_refused_when_the_tenant_turns_it_on(
    validator, mms_root
):
    from messaging.models import Message
    from tests.messaging.factories import channel, sender_id

    number = sender_id(validator.a, "12125550100", on=channel())
    start(validator, [UNALLOCATED, NY_MOBILE])
    client = login(validator.admin_a)
    body = {"sender_id": number.pk, "recipient": "+16468097062", "text": "Hi"}
    assert client.post("/t/acme/compose/", body).status_code == 302, "the check is off"
    saved = client.post(
        "/t/acme/validator/settings/", {"check_recipients": "on", "recent_days": "90"}
    )
    assert saved.status_code == 302
    page = client.post("/t/acme/compose/", body).content.decode()
    assert "+16468097062 was found in an unallocated range by the number validator on" in page
    api = api_client(validator.admin_a, validator.a)
    refused = api.post("/api/v1/tenants/acme/messages/", body, format="json")
    assert refused.status_code == 400
    assert "found in an unallocated range" in str(refused.json())
    fine = api.post(
        "/api/v1/tenants/acme/messages/", {**body, "recipient": "+16468097065"}, format="json"
    )
    assert fine.status_code == 201
    with scopes_disabled():
        assert Message.objects.count() == 2
        entry = AuditEntry.objects.filter(content_type__model="validatorsettings").get()
        assert entry.after["check_recipients"] is True
        assert ValidatorSettings.objects.get().recent_days == 90


@pytest.fixture
def mms_root(settings, tmp_path):
    settings.MESSAGING_MEDIA_ROOT = str(tmp_path / "mms")
    settings.PORTAL_BASE_URL = "https://portal.example"
    return tmp_path / "mms"


def test_an_old_result_is_not_recent(validator):
    start(validator, [UNALLOCATED])
    with scopes_disabled():
        ValidationResult.objects.update(validated_at="2020-01-01T00:00:00Z")
    selectors_settings = selectors.validator_settings(validator.a)
    selectors_settings.check_recipients = True
    selectors_settings.save()
    assert selectors.recipient_refusal(validator.a, UNALLOCATED) is None
