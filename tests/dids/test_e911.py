"""E911 end to end against the Wavix sandbox (in process, through the real client): a tenant
admin validates an address (four outcomes), sets it on numbers, sees it everywhere numbers are
listed, deletes it after a warning; the number is in use meanwhile; the reconcile shows drift;
the dashboard and the tenant list count numbers without an address; the API does the same."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from dids import selectors, services
from dids.models import Did, DidPool, E911Address, E911Drift, E911Job, E911ReconcileRun
from dids.services import e911 as e911_services
from dids.services import reconcile as reconcile_services
from portal.models import AuditEntry
from sandbox.wavix.faults import faults_set
from sandbox.wavix.models import SandboxE911Record
from sandbox.wavix.seed import seed_account

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db

MAIN_ST = {
    "name": "Head office",
    "street_number": "100",
    "street": "Main St",
    "location": "Suite 200",
    "city": "Springfield",
    "state": "IL",
    "zip_code": "62701",
}
ZIP_TYPO = {**MAIN_ST, "zip_code": "62710"}
BROADWAY = {
    "name": "NY office",
    "street_number": "1501",
    "street": "Broadway",
    "location": "",
    "city": "New York",
    "state": "NY",
    "zip_code": "10036",
}
NOWHERE = {**MAIN_ST, "street": "Nowhere Rd"}
ACME_POOL = "16468097065-16468097066;16468097070-16468097080;13125550100-13125550199"
N1, N2 = 16468097065, 16468097066


@pytest.fixture
def e911(world, sandbox_account, run_tasks):
    """Acme's pool holds numbers held on the sandbox account (New York and Chicago), Globex's
    too; one number held on Wavix in Great Britain sits in Acme's pool."""
    seed_account(account=sandbox_account.sandbox, purchased=40)
    run_tasks(services.sync_start, account=sandbox_account)
    foreign = Did.objects.filter(country="GB").first()
    services.pool_save(tenant=world.a, text=f"{ACME_POOL};{foreign.number}")
    services.pool_save(tenant=world.b, text="12125550000-12126549999")
    world.account, world.foreign, world.run_tasks = sandbox_account, foreign.number, run_tasks
    return world


def page_of(client, url, **data):
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def validate_page(client, slug, numbers, address, **extra):
    data = {**address, "numbers": ",".join(map(str, numbers)), "action": "validate", **extra}
    return page_of(client, f"/t/{slug}/e911/set/", **data)


def validate(world, numbers, address):
    with scope(tenant=world.a):
        return e911_services.e911_validate(tenant=world.a, numbers=numbers, data=address)


def provision(world, numbers, address=MAIN_ST):
    outcome = validate(world, numbers, address)
    with scope(tenant=world.a):
        return world.run_tasks(
            e911_services.e911_set, tenant=world.a, numbers=numbers, token=outcome.token
        )


# Validation: the four outcomes --------------------------------------------------------------


def test_a_known_street_is_a_full_match_offered_for_confirmation(e911):
    page = validate_page(login(e911.admin_a), "acme", [N1], MAIN_ST)
    assert 'data-outcome="full_match"' in page and "Full match." in page
    assert "100 Main St, Suite 200, Springfield, IL 62701-1504" in page
    assert "Set this address on 1 number" in page
    assert not SandboxE911Record.objects.exists(), "validating changes nothing on Wavix"


def test_a_zip_typo_shows_the_correction_beside_the_input(e911):
    page = validate_page(login(e911.admin_a), "acme", [N1], ZIP_TYPO)
    assert 'data-outcome="corrected"' in page and "Address corrected." in page
    table = page.split('data-testid="e911-correction"')[1].split("</table>")[0]
    changed = [row for row in table.split("<tr") if 'data-changed="yes"' in row]
    assert len(changed) == 1
    assert "62710" in changed[0] and "<strong>62701</strong>" in changed[0]
    assert "627011504" in table, "Wavix's ZIP+4 is shown too"
    assert 'value="62710"' in page, "the input stays in the form to be edited"
    assert "Accept the correction and set it on 1 number" in page


def test_a_vague_street_offers_candidates_and_a_chosen_one_is_validated_again(e911):
    client = login(e911.admin_a)
    page = validate_page(client, "acme", [N1], BROADWAY)
    assert 'data-outcome="candidates"' in page and "Candidate addresses." in page
    for zip_code in ("10004", "10279", "10036"):
        assert f"New York, NY {zip_code}" in page
    assert "Set this address" not in page, "a candidate cannot be set without validating it"
    outcome = validate(e911, [N1], BROADWAY)
    chosen = outcome.candidate_choices[2][0]
    page = page_of(
        client,
        "/t/acme/e911/set/",
        action="candidate",
        numbers=str(N1),
        name="NY office",
        candidate=chosen,
        candidate_location="Floor 3",
    )
    assert 'data-outcome="full_match"' in page
    assert "1501 Broadway, Floor 3, New York, NY 10036-5601" in page


@pytest.mark.parametrize(
    ("recipe", "expected"),
    [
        # The README's four sandbox recipes, as written there.
        ({"street_number": "100", "street": "Main St", "zip_code": "62701"}, "full_match"),
        ({"street_number": "100", "street": "Main St", "zip_code": "62710"}, "corrected"),
        ({"street_number": "", "street": "Broadway", "city": "New York", "state": "NY"}, None),
        ({"street_number": "100", "street": "Nowhere Rd", "zip_code": "62701"}, "no_match"),
    ],
    ids=["full match", "corrected", "candidates", "no match"],
)
def test_the_readme_sandbox_recipes_give_each_outcome(e911, recipe, expected):
    address = {"name": "Office", "location": "", "city": "Springfield", "state": "IL"}
    address |= {"zip_code": ""} | recipe
    page = validate_page(login(e911.admin_a), "acme", [N1], address)
    assert "is required for an emergency address" not in page
    assert f'data-outcome="{expected or "candidates"}"' in page


def test_a_match_without_a_street_number_cannot_be_set_and_says_why(e911):
    page = validate_page(login(e911.admin_a), "acme", [N1], {**MAIN_ST, "street_number": ""})
    assert 'data-testid="e911-missing"' in page
    assert "Street number is required for an emergency address." in page
    assert 'name="token"' not in page


def test_every_local_problem_is_reported_at_once(e911):
    page = validate_page(
        login(e911.admin_a),
        "acme",
        [N1],
        {**MAIN_ST, "name": "", "state": "XX", "zip_code": "6270", "city": ""},
    )
    assert "Name is required for an emergency address." in page
    assert "City is required for an emergency address." in page
    assert "“XX” is not a US state or Canadian province code" in page
    assert "“6270” is neither a US ZIP code (62701 or 62701-1504) nor a Canadian postal" in page


def test_the_fields_needed_to_validate_are_marked_required(e911):
    page = page_of(login(e911.admin_a), f"/t/acme/e911/set/?numbers={N1}")
    form = page.split('data-testid="e911-address-form"')[1].split("</form>")[0]
    starred = re.findall(r'<label class="[^"]*field-required[^"]*" for="id_(\w+)"', form)
    assert starred == ["name", "street", "city", "state"]
    assert not re.search(r"<input[^>]* required", form), "the rules name problems, not the browser"


def choose_candidate(client, candidate, slug="acme"):
    data = {"action": "candidate", "numbers": str(N1), "name": "NY office"}
    response = client.post(f"/t/{slug}/e911/set/", {**data, "candidate": candidate})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_huge_nested_candidate_is_refused_by_its_size_before_it_is_parsed(e911):
    before = e911.account.transport.request_count
    page = choose_candidate(login(e911.admin_a), "[" * 100_000)
    assert "The chosen address is 100,000 characters long, more than the 2,000" in page
    assert e911.account.transport.request_count == before, "nothing was sent to Wavix"


def test_a_candidate_that_wavix_did_not_offer_is_refused(e911):
    forged = '{"street_number": "1", "street": "Broadway", "city": "New York", "state": "NY"}'
    page = choose_candidate(login(e911.admin_a), forged)
    assert "That is not one of the addresses Wavix offered. Choose one of Wavix" in page
    assert 'data-outcome="full_match"' not in page


def test_another_tenants_candidate_is_refused(e911):
    with scope(tenant=e911.b):
        globex = e911_services.candidate_token(e911.b, {"street": "Broadway"})
    page = choose_candidate(login(e911.admin_a), globex)
    assert "That is not one of Wavix's addresses." in page


def test_an_unknown_street_is_no_match_and_cannot_be_set(e911):
    page = validate_page(login(e911.admin_a), "acme", [N1], NOWHERE)
    assert 'data-outcome="no_match"' in page and "No match." in page
    assert 'name="token"' not in page
    assert 'value="Nowhere Rd"' in page


def test_local_rules_run_first_and_name_field_value_and_rule(e911):
    before = e911.account.transport.request_count
    page = validate_page(
        login(e911.admin_a),
        "acme",
        [N1],
        {**MAIN_ST, "state": "XX", "zip_code": "6270", "city": ""},
    )
    assert "“XX” is not a US state or Canadian province code" in page
    assert "City is required for an emergency address." in page
    assert e911.account.transport.request_count == before, "nothing was sent to Wavix"


def test_numbers_outside_the_us_and_canada_are_refused_with_the_reason(e911):
    page = validate_page(login(e911.admin_a), "acme", [N1, e911.foreign], MAIN_ST)
    assert f"+{e911.foreign} is not a US or Canadian number: E911 covers country code 1" in page
    not_held = validate_page(login(e911.admin_a), "acme", [16468097079], MAIN_ST)
    assert "+16468097079 is not held on Wavix" in not_held


def test_a_jamaican_number_held_on_wavix_is_refused_as_not_us_or_canadian(e911):
    """+1 876 is Jamaica: country code 1 is shared by the Caribbean, so the numbering plan, not
    the leading 1 nor a missing country in the inventory, says whose number it is."""
    jamaica = Did.objects.create(account=e911.account, number=18765550100, country="")
    toronto = Did.objects.create(account=e911.account, number=14165550123, country="")
    services.pool_save(tenant=e911.a, text="18765550100;14165550123", name="Caribbean")
    page = validate_page(login(e911.admin_a), "acme", [jamaica.number], MAIN_ST)
    assert (
        "+18765550100 is a number of JM (Jamaica), not a US or Canadian number: E911 covers "
        "the United States and Canada only."
    ) in html.unescape(page)
    with scope(tenant=e911.a):
        listed = set(selectors.e911_numbers(e911.a).values_list("number", flat=True))
    assert N1 in listed and toronto.number in listed and jamaica.number not in listed
    with scope(tenant=e911.a):
        assert e911_services.eligible_dids(e911.a, [toronto.number]) == [toronto]


def test_wavix_down_during_validation_is_a_clear_error_not_a_500(e911):
    faults_set(account=e911.account.sandbox, error_rate=1.0, error_status=503)
    page = validate_page(login(e911.admin_a), "acme", [N1], MAIN_ST)
    assert "Wavix had a problem on its side, so the address could not be validated." in page
    assert "Nothing was changed; try again in a minute" in page
    assert "503" not in page and "/v1/" not in page and "Technical detail" not in page
    page = validate_page(login(e911.sysadmin), "acme", [N1], MAIN_ST)
    assert "Technical detail (system administrators): Wavix POST" in page and "503" in page


# Setting and showing -------------------------------------------------------------------------


def set_via_ui(world, client, numbers, token):
    data = {"action": "set", "token": token, "numbers": ",".join(map(str, numbers))}
    return world.run_tasks(client.post, "/t/acme/e911/set/", data)


def token_in(page: str) -> str:
    return page.split('name="token" value="')[1].split('"')[0]


LINE = "100 Main St, Suite 200, Springfield, IL 62701-1504"


def test_setting_a_validated_address_provisions_it_and_shows_it_everywhere(e911):
    client = login(e911.admin_a)
    page = validate_page(client, "acme", [N1, N2], ZIP_TYPO)
    response = set_via_ui(e911, client, [N1, N2], token_in(page))
    job = E911Job._base_manager.get()
    assert response.url == f"/t/acme/e911/jobs/{job.pk}/"
    assert (job.status, job.done, job.failed) == ("succeeded", 2, 0)
    records = SandboxE911Record.objects.filter(account=e911.account.sandbox)
    assert {r.phone_number for r in records} == {str(N1), str(N2)}
    assert {r.zip_code for r in records} == {"62701"}, "the accepted correction was sent"
    numbers = "/t/acme/numbers/?q=%2B1646809706"
    for url in ("/t/acme/e911/", numbers, f"/t/acme/e911/jobs/{job.pk}/"):
        shown = page_of(client, url)
        assert "E911: provisioned" in shown and LINE in shown, url
    inventory = page_of(login(e911.sysadmin), "/platform/numbers/inventory/?q=1646809706")
    assert "E911: provisioned" in inventory and LINE in inventory
    assert Did.objects.get(number=N1).e911_registered
    api = api_client(e911.agent_a, e911.a).get(f"/api/v1/tenants/acme/numbers/{N1}/")
    assert api.json()["e911"]["status"] == "provisioned"


def test_an_address_typed_by_hand_cannot_be_set_without_validation(e911):
    client = login(e911.admin_a)
    response = set_via_ui(e911, client, [N1], "forged")
    assert response.status_code == 302
    assert "Validate the address with Wavix first" in page_of(client, response.url)
    with scopes_disabled():
        assert not E911Address.objects.exists() and not E911Job.objects.exists()


def test_a_validation_of_another_tenant_is_refused(e911):
    outcome = validate(e911, [N1], MAIN_ST)
    with scope(tenant=e911.b), pytest.raises(ValidationError) as refused:
        e911_services.e911_set(tenant=e911.b, numbers=[12125550000], token=outcome.token)
    assert "belongs to another tenant" in str(refused.value)


# Wavix failing: transient failures are retried with backoff, refusals fail at once -----------


def client_calls_per_attempt(e911) -> int:
    """Requests one failing Wavix call makes: the client's own quick retries included."""
    from portal.wavix.client import WavixClient

    return 1 + WavixClient.for_account(e911.account).max_retries


def test_a_transient_failure_waits_visibly_then_the_retry_provisions(
    e911, hold_task, no_client_backoff
):
    queue = hold_task("dids.tasks", "e911_run_job")
    outcome = validate(e911, [N1], MAIN_ST)
    with scope(tenant=e911.a):
        job = e911.run_tasks(
            e911_services.e911_set, tenant=e911.a, numbers=[N1], token=outcome.token
        )
    faults_set(account=e911.account.sandbox, error_rate=1.0, error_status=503)

    assert queue.run_next() == "retrying"

    job = E911Job._base_manager.get(pk=job.pk)
    assert (job.status, job.attempt, job.done, job.failed) == ("retrying", 2, 0, 0)
    ((args, countdown),) = queue.messages
    assert args == (job.pk, 2) and 7 <= countdown <= 13  # 10 s, give or take 25 % jitter
    at = timezone.localtime(job.retry_at).strftime("%H:%M:%S")
    plain = (
        f"Wavix had a problem on its side. The portal tries again by itself at {at} "
        "(attempt 2 of 5); there is nothing to do meanwhile."
    )
    for who in (e911.admin_a, e911.agent_a):  # tenant users: the plain sentence only
        page = page_of(login(who), f"/t/acme/e911/jobs/{job.pk}/")
        assert "Retrying: attempt 2 of 5" in page and plain in page
        assert "E911: provisioning" in page and "Finished with failures" not in page
        listed = page_of(login(who), "/t/acme/e911/")
        assert plain in listed
        for technical in ("503", "/v1/", "Wavix POST", "Technical detail"):
            assert technical not in page and technical not in listed
    page = page_of(login(e911.sysadmin), f"/t/acme/e911/jobs/{job.pk}/")
    assert plain in page and "attempt 1 failed: Wavix POST /v1/e911-records returned 503" in page
    assert "Technical detail" in page_of(login(e911.sysadmin), "/t/acme/e911/")
    api = api_client(e911.agent_a, e911.a).get(f"/api/v1/tenants/acme/e911-jobs/{job.pk}/")
    body = api.json()
    assert (body["status"], body["attempt"], body["max_attempts"]) == ("retrying", 2, 5)
    assert body["retry_at"] and body["error"] == f"+{N1}: {plain}"
    assert "error_detail" not in body
    platform = api_client(e911.sysadmin).get(f"/api/v1/tenants/acme/e911-jobs/{job.pk}/")
    assert "returned 503" in platform.json()["error_detail"]

    faults_set(account=e911.account.sandbox)  # Wavix is back before the retry is due
    assert queue.run_next() == "succeeded"

    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.error) == ("succeeded", 1, 0, "")
    assert queue.messages == []
    with scopes_disabled():
        record = E911Address.objects.get(number=N1)
    assert (record.status, record.error) == ("provisioned", "")
    assert SandboxE911Record.objects.filter(phone_number=str(N1)).exists()
    assert Did.objects.get(number=N1).e911_registered


def test_a_refusal_fails_at_once_without_a_retry(e911, hold_task):
    queue = hold_task("dids.tasks", "e911_run_job")
    outcome = validate(e911, [N1], MAIN_ST)
    with scope(tenant=e911.a):
        job = e911.run_tasks(
            e911_services.e911_set, tenant=e911.a, numbers=[N1], token=outcome.token
        )
    with scopes_disabled():  # Wavix's street guide will not place this street: a 422
        E911Address.objects.filter(number=N1).update(street="Nowhere Rd")
    before = e911.account.transport.request_count

    assert queue.run_next() == "failed"

    assert e911.account.transport.request_count - before == 1 and queue.messages == []
    job = E911Job._base_manager.get(pk=job.pk)
    assert (job.status, job.failed, job.attempt) == ("failed", 1, 1)
    with scopes_disabled():
        record = E911Address.objects.get(number=N1)
    assert record.status == "failed" and record.error == (
        "Wavix refused it. The emergency address was not set. Check the details and try again; "
        "if it keeps failing, contact support."
    )
    assert "returned 422" in record.error_detail and "attempts" not in record.error_detail
    assert "Address could not be validated" in record.error_detail
    page = page_of(login(e911.admin_a), f"/t/acme/e911/jobs/{job.pk}/")
    assert "Finished with failures" in page and "E911: failed" in page and "422" not in page
    assert "Wavix refused it. The emergency address was not set." in page
    assert "returned 422" in page_of(login(e911.sysadmin), f"/t/acme/e911/jobs/{job.pk}/")


def test_wavix_failing_every_attempt_fails_the_job_with_wavixs_reason(e911, no_client_backoff):
    outcome = validate(e911, [N1, N2], MAIN_ST)
    faults_set(account=e911.account.sandbox, error_rate=1.0, error_status=503)
    before = e911.account.transport.request_count
    with scope(tenant=e911.a):
        job = e911.run_tasks(
            e911_services.e911_set, tenant=e911.a, numbers=[N1, N2], token=outcome.token
        )
    job = E911Job._base_manager.get(pk=job.pk)
    assert (job.status, job.done, job.failed, job.attempt) == ("failed", 2, 2, 5)
    # Five attempts at +N1 (with the eager worker, each retry ran at once); +N2 was not tried.
    calls = e911.account.transport.request_count - before
    assert calls == 5 * client_calls_per_attempt(e911)
    reason = "Wavix POST /v1/e911-records returned 503: Internal server error, please retry"
    assert job.error == (
        f"Wavix kept failing on +{N1}, so the numbers after it were not attempted. "
        "2 of 2 failed; see each number."
    )
    assert job.error_detail == f"Wavix kept failing on +{N1}: {reason} (after 5 attempts)"
    with scopes_disabled():
        first, second = E911Address.objects.filter(number__in=[N1, N2]).order_by("number")
    assert (first.status, first.error_detail) == ("failed", f"{reason} (after 5 attempts)")
    assert first.error == (
        "Wavix had a problem on its side, even after 5 attempts. The emergency address was "
        "not set. Try again later; if it keeps failing, contact support."
    )
    assert second.status == "failed"
    assert second.error.startswith(f"Not attempted: Wavix kept failing on +{N1}, so the portal")
    page = page_of(login(e911.admin_a), f"/t/acme/e911/jobs/{job.pk}/")
    assert "Finished with failures" in page and "E911: failed" in page
    assert "even after 5 attempts" in page and "2 of 2 failed" in page
    assert "503" not in page and "Wavix POST" not in page
    assert not Did.objects.filter(number__in=[N1, N2], e911_registered=True).exists()


def test_a_removal_wavix_keeps_failing_leaves_the_address_in_place(e911, no_client_backoff):
    provision(e911, [N1])
    faults_set(account=e911.account.sandbox, error_rate=1.0, error_status=502)
    with scope(tenant=e911.a):
        job = e911.run_tasks(e911_services.e911_remove, tenant=e911.a, numbers=[N1])
    job = E911Job._base_manager.get(pk=job.pk)
    assert (job.status, job.failed, job.attempt) == ("failed", 1, 5)
    with scopes_disabled():
        record = E911Address.objects.get(number=N1)
    assert record.status == "provisioned"  # emergency calls still use it on Wavix
    assert record.error == (
        "Wavix had a problem on its side, even after 5 attempts. The emergency address was not "
        "deleted and stays in place: emergency calls still use it. Try again later; if it keeps "
        "failing, contact support."
    )
    assert record.error_detail.startswith(
        "Removal failed: Wavix DELETE /v1/e911-records returned 502"
    )
    assert record.error_detail.endswith("(after 5 attempts)")
    assert SandboxE911Record.objects.filter(phone_number=str(N1)).exists()


def test_a_job_delivered_twice_calls_wavix_once(e911):
    from dids.tasks import e911_run_job

    job = provision(e911, [N1])
    before = e911.account.transport.request_count
    assert e911_run_job(job.pk) == "skipped"
    assert e911.account.transport.request_count == before


def test_a_job_whose_worker_died_mid_job_is_taken_up_and_finishes(e911, hold_task):
    from datetime import timedelta

    from dids.services.e911_jobs import E911Runner
    from portal.tasks import sweep_lost_jobs

    queue = hold_task("dids.tasks", "e911_run_job")
    outcome = validate(e911, [N1, N2], MAIN_ST)
    with scope(tenant=e911.a):
        job = e911.run_tasks(
            e911_services.e911_set, tenant=e911.a, numbers=[N1, N2], token=outcome.token
        )
    queue.messages.clear()  # the worker took the message, claimed the job, and died
    assert E911Runner.claim(job.pk) is not None
    E911Job._base_manager.filter(pk=job.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )

    assert e911.run_tasks(sweep_lost_jobs) == 1

    job = E911Job._base_manager.get(pk=job.pk)
    assert (job.status, job.attempt) == ("retrying", 2)
    assert queue.messages == [((job.pk, 2), None)]
    assert queue.run_next() == "succeeded"
    with scopes_disabled():
        assert set(E911Address.objects.values_list("status", flat=True)) == {"provisioned"}
    assert e911.run_tasks(sweep_lost_jobs) == 0


def test_agents_see_addresses_but_cannot_change_them(e911):
    provision(e911, [N1])
    agent = login(e911.agent_a)
    page = page_of(agent, "/t/acme/e911/")
    assert "E911: provisioned" in page and "Set address" not in page and ">Delete<" not in page
    assert agent.get(f"/t/acme/e911/set/?numbers={N1}").status_code == 403
    assert agent.post("/t/acme/e911/remove/", {"numbers": str(N1)}).status_code == 403


def test_changes_are_in_the_tenants_audit_log(e911):
    provision(e911, [N1])
    with scope(tenant=e911.a):
        e911.run_tasks(e911_services.e911_remove, tenant=e911.a, numbers=[N1])
    with scopes_disabled():
        entries = AuditEntry.objects.filter(tenant=e911.a, content_type__model="e911address")
        actions = list(entries.order_by("id").values_list("action", flat=True))
    assert actions[0] == "create" and actions[-1] == "delete" and "update" in actions
    page = page_of(login(e911.admin_a), "/t/acme/audit/")
    assert f"+{N1}: {LINE}" in page


def test_setting_a_new_address_on_many_numbers_replaces_the_old_and_is_audited(e911):
    provision(e911, [N1])
    adams = {**MAIN_ST, "street_number": "200", "street": "W Adams St", "city": "Chicago"}
    adams.update(zip_code="60661", location="Suite 400")

    provision(e911, [N1, N2], adams)

    with scopes_disabled():
        records = {r.number: r for r in E911Address.objects.filter(number__in=[N1, N2])}
        audited = AuditEntry.objects.filter(
            content_type__model="e911address", object_id=str(records[N1].pk)
        )
        entries = list(audited.order_by("id").values_list("action", "changes"))
    assert {r.street for r in records.values()} == {"W Adams St"}
    assert {r.status for r in records.values()} == {"provisioned"}
    replaced = [c for a, c in entries if a == "update" and "street" in c]
    assert replaced and replaced[0]["street"] == ["Main St", "W Adams St"]


def test_a_number_with_another_tenants_record_is_refused_by_name(e911):
    outcome = validate(e911, [N1], MAIN_ST)
    with scopes_disabled():  # a stale record of another tenant (the pools never allow it)
        E911Address.objects.create(tenant=e911.b, number=N1, **MAIN_ST, status="provisioned")

    with scope(tenant=e911.a), pytest.raises(ValidationError) as refused:
        e911_services.e911_set(tenant=e911.a, numbers=[N1], token=outcome.token)

    assert refused.value.message_dict["numbers"] == [f"+{N1} already has an emergency address."]
    with scopes_disabled():
        assert not E911Job.objects.filter(tenant=e911.a).exists()


def test_setting_an_address_costs_the_same_queries_for_one_number_or_many(e911):
    held = set(Did.objects.filter(country="US").values_list("number", flat=True))
    chicago = sorted(n for n in held if 13125550100 <= n <= 13125550199)

    def queries(numbers):
        outcome = validate(e911, numbers, MAIN_ST)
        with scope(tenant=e911.a), CaptureQueriesContext(connection) as ctx:
            e911_services.e911_set(tenant=e911.a, numbers=numbers, token=outcome.token)
        return len(ctx)

    one = queries(chicago[:1])
    many = queries(chicago[1:])
    assert len(chicago[1:]) >= 9 and many <= one


# Deleting ------------------------------------------------------------------------------------


def test_delete_warns_that_emergency_calling_stops_then_deactivates_it(e911):
    provision(e911, [N1])
    client = login(e911.admin_a)
    page = page_of(client, "/t/acme/e911/")
    assert f"Delete the emergency address of +{N1}? Emergency calling (911) is deactivated" in page
    response = e911.run_tasks(client.post, "/t/acme/e911/remove/", {"numbers": str(N1)})
    job = E911Job._base_manager.get(kind="remove")
    assert response.url == f"/t/acme/e911/jobs/{job.pk}/" and job.status == "succeeded"
    assert not SandboxE911Record.objects.filter(phone_number=str(N1)).exists()
    with scopes_disabled():
        assert not E911Address.objects.filter(number=N1).exists()
    assert not Did.objects.get(number=N1).e911_registered
    shown = page_of(client, f"/t/acme/e911/jobs/{job.pk}/")
    assert "E911: deleted" in shown and "emergency calling deactivated" in shown


def test_deleting_a_number_without_an_address_says_so(e911):
    client = login(e911.admin_a)
    response = client.post("/t/acme/e911/remove/", {"numbers": str(N2)})
    assert f"+{N2} has no emergency address to remove." in page_of(client, response.url)


# In use ---------------------------------------------------------------------------------------


def test_a_number_with_an_address_cannot_leave_the_pool_nor_be_returned(e911):
    provision(e911, [N1])
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=e911.a)
    with pytest.raises(ValidationError) as pool_edit:
        services.pool_save(tenant=e911.a, pool=pool, text="16468097066")
    assert f"+{N1} is in use: E911 emergency address" in str(pool_edit.value)
    with pytest.raises(ValidationError) as returned:
        services.order_return(numbers=[N1])
    assert f"+{N1} is in use: E911 emergency address" in str(returned.value)
    page = page_of(
        login(e911.sysadmin),
        f"/platform/pools/{pool.pk}/edit/",
        name=pool.name,
        numbers="16468097066",
        action="preview",
    )
    assert "In use, cannot be removed" in page
    assert f"+{N1}: E911 emergency address (provisioned); delete it first" in page


def test_once_deleted_the_number_can_leave_the_pool(e911):
    provision(e911, [N1])
    with scope(tenant=e911.a):
        e911.run_tasks(e911_services.e911_remove, tenant=e911.a, numbers=[N1])
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=e911.a)
    saved, _ = services.pool_save(tenant=e911.a, pool=pool, text=ACME_POOL.replace("65-", "66-"))
    assert saved.size == pool.size - 2  # N1 and the GB number left


def test_a_stale_record_on_a_number_in_no_pool_blocks_its_return(e911):
    address = {k: v for k, v in MAIN_ST.items()}
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=e911.a)
        services.pool_save(tenant=e911.a, pool=pool, text=ACME_POOL)
        E911Address.objects.create(tenant=e911.b, number=e911.foreign, **address)
    with pytest.raises(ValidationError) as returned:
        services.order_return(numbers=[e911.foreign])
    assert f"+{e911.foreign} is in use: E911 emergency address" in str(returned.value)


# Alerts and counts ---------------------------------------------------------------------------


def missing_in(page: str) -> int:
    alert = page.split('data-testid="e911-alert"')[1]
    return int(alert.split("<strong>")[1].split(" ")[0])


def test_dashboard_and_lists_count_the_numbers_without_e911(e911):
    client = login(e911.agent_a)
    # Acme holds 20 US numbers in its pool (New York and Chicago), none with an address yet.
    assert missing_in(page_of(client, "/t/acme/")) == 20
    provision(e911, [N1, N2])
    assert missing_in(page_of(client, "/t/acme/")) == 18
    assert missing_in(page_of(client, "/t/acme/numbers/")) == 18
    assert missing_in(page_of(client, "/t/acme/e911/")) == 18
    tenants = page_of(login(e911.sysadmin), "/platform/tenants/")
    counts = [c.split("</td>")[0] for c in tenants.split('data-testid="e911-missing">')[1:]]
    assert counts == [
        '<span class="badge text-bg-warning">18</span>',
        '<span class="badge text-bg-warning">10</span>',
    ]


def test_a_us_number_put_in_a_pool_without_an_address_alerts_the_tenant(e911):
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=e911.a)
    services.pool_save(tenant=e911.a, pool=pool, text="16468097065-16468097066")
    client = login(e911.admin_b)
    assert missing_in(page_of(client, "/t/globex/")) == 10
    response = login(e911.sysadmin).post(
        "/platform/tenants/globex/pools/new/",
        {"name": "Chicago", "numbers": "13125550100-13125550199", "action": "preview"},
    )
    previewed = response.context["form"]["previewed"].value()
    response = login(e911.sysadmin).post(
        "/platform/tenants/globex/pools/new/",
        {
            "name": "Chicago",
            "numbers": "13125550100-13125550199",
            "previewed": previewed,
            "action": "save",
        },
        follow=True,
    )
    assert "10 of the added US/Canadian numbers have no emergency (E911) address" in (
        response.content.decode()
    )
    assert missing_in(page_of(client, "/t/globex/")) == 20


# Reconcile ------------------------------------------------------------------------------------


def reconcile(world):
    run = world.run_tasks(reconcile_services.reconcile_start, account=world.account)
    return E911ReconcileRun.objects.get(pk=run.pk)


def test_reconcile_in_step_finds_no_drift(e911):
    provision(e911, [N1, N2])
    run = reconcile(e911)
    assert (run.status, run.records, run.drift) == ("succeeded", 2, 0)
    page = page_of(login(e911.sysadmin), "/platform/numbers/e911/")
    assert "No drift" in page


def test_reconcile_shows_missing_different_and_unknown_records(e911):
    from sandbox.wavix.services.e911 import e911_associate

    provision(e911, [N1, N2])
    sandbox = e911.account.sandbox
    SandboxE911Record.objects.filter(account=sandbox, phone_number=str(N1)).delete()
    SandboxE911Record.objects.filter(account=sandbox, phone_number=str(N2)).update(
        location="Suite 900"
    )
    chicago = {**MAIN_ST, "location": "", "zip_plus_four": ""}
    chicago.pop("name")
    e911_associate(account=sandbox, phone_number="13125550100", name="Lab", address=chicago)

    run = reconcile(e911)

    assert (run.status, run.records, run.drift) == ("succeeded", 2, 3)
    with scopes_disabled():
        kinds = dict(E911Drift.objects.values_list("number", "kind"))
        assert set(E911Drift.objects.values_list("tenant__slug", flat=True)) == {"acme"}
    assert kinds == {
        N1: "missing_on_wavix",
        N2: "different_address",
        13125550100: "unknown_to_portal",
    }
    assert Did.objects.get(number=13125550100).e911_registered
    assert not Did.objects.get(number=N1).e911_registered
    platform = page_of(login(e911.sysadmin), "/platform/numbers/e911/")
    assert "Missing on Wavix" in platform and "Different address on Wavix" in platform
    assert "Unknown to the portal" in platform and "Suite 900" in platform
    tenant = page_of(login(e911.agent_a), "/t/acme/e911/")
    assert "differ from the portal for 3 numbers" in tenant
    assert page_of(login(e911.admin_b), "/t/globex/e911/").count("e911-drift") == 0


def test_a_failing_reconcile_says_why(e911):
    faults_set(account=e911.account.sandbox, error_rate=1.0, error_status=503)
    run = reconcile(e911)
    assert run.status == "failed" and "503" in run.error
    assert "503" in page_of(login(e911.sysadmin), "/platform/numbers/e911/")


def test_reconcile_now_button_and_the_periodic_schedule(e911, settings):
    response = e911.run_tasks(login(e911.sysadmin).post, "/platform/numbers/e911/reconcile/")
    assert response.url == "/platform/numbers/e911/"
    assert E911ReconcileRun.objects.get().status == "succeeded"
    entry = settings.CELERY_BEAT_SCHEDULE["reconcile-e911"]
    assert entry["task"] == "dids.tasks.e911_reconcile_all"
    from dids.tasks import e911_reconcile_all

    assert e911.run_tasks(e911_reconcile_all) == 1
    assert E911ReconcileRun.objects.filter(trigger="schedule", status="succeeded").count() == 1


# Lists cost the same whatever their size -------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


def test_e911_lists_cost_the_same_for_2_or_12_addresses(e911):
    urls = [
        (login(e911.admin_a), "/t/acme/e911/"),
        (login(e911.admin_a), "/t/acme/numbers/"),
        (login(e911.sysadmin), "/platform/numbers/e911/"),
        (login(e911.sysadmin), "/platform/numbers/inventory/"),
        (api_client(e911.admin_a, e911.a), "/api/v1/tenants/acme/e911/"),
        (api_client(e911.admin_a, e911.a), "/api/v1/tenants/acme/e911-jobs/"),
        (api_client(e911.sysadmin), "/api/v1/e911-drift/"),
    ]
    for client, url in urls:
        client.get(url)  # a token's first use records it, once
    provision(e911, [N1, N2])
    SandboxE911Record.objects.filter(account=e911.account.sandbox).update(location="Lobby")
    reconcile(e911)
    small = [count_queries(c, u) for c, u in urls]
    provision(e911, [16468097070 + i for i in range(8)] + [13125550100, 13125550101])
    SandboxE911Record.objects.filter(account=e911.account.sandbox).update(location="Lobby")
    reconcile(e911)
    large = [count_queries(c, u) for c, u in urls]
    assert large == small


# The API ---------------------------------------------------------------------------------------


def api_validate(client, address, numbers=(N1,)):
    body = {k: v for k, v in address.items() if k != "name"}
    return client.post(
        "/api/v1/tenants/acme/e911/validate/",
        {"numbers": [f"+{n}" for n in numbers], "name": address["name"], "address": body},
        format="json",
    )


@pytest.mark.parametrize(
    ("address", "status", "can_set"),
    [
        (MAIN_ST, "full_match", True),
        (ZIP_TYPO, "corrected", True),
        (BROADWAY, "candidates", False),
        (NOWHERE, "no_match", False),
    ],
)
def test_api_validate_answers_the_four_outcomes(e911, address, status, can_set):
    answer = api_validate(api_client(e911.admin_a, e911.a), address)
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == status and bool(data["validation"]) == can_set
    if status == "corrected":
        assert data["changed"] == ["zip_code"] and data["suggested"]["zip_code"] == "62701"
    if status == "candidates":
        assert len(data["candidates"]) == 3


def test_api_sets_lists_and_deletes_an_address(e911):
    api = api_client(e911.admin_a, e911.a)
    token = api_validate(api, MAIN_ST, numbers=(N1, N2)).json()["validation"]
    created = e911.run_tasks(
        api.post,
        "/api/v1/tenants/acme/e911/",
        {"numbers": [str(N1), str(N2)], "validation": token},
        format="json",
    )
    assert created.status_code == 202 and created.json()["total"] == 2
    job = api.get(f"/api/v1/tenants/acme/e911-jobs/{created.json()['id']}/").json()
    assert (job["status"], job["done"]) == ("succeeded", 2)
    listed = api.get("/api/v1/tenants/acme/e911/").json()
    assert [r["number"] for r in listed["results"]] == [f"+{N1}", f"+{N2}"]
    record = api.get(f"/api/v1/tenants/acme/e911/{N1}/").json()
    assert record["status"] == "provisioned" and record["one_line"] == LINE
    deleted = e911.run_tasks(api.delete, f"/api/v1/tenants/acme/e911/{N1}/")
    assert deleted.status_code == 202 and deleted.json()["kind"] == "remove"
    assert api.get(f"/api/v1/tenants/acme/e911/{N1}/").status_code == 404


def test_api_bad_input_names_field_value_and_rule(e911):
    api = api_client(e911.admin_a, e911.a)
    bad = api_validate(api, {**MAIN_ST, "zip_code": "6270"})
    assert bad.status_code == 400
    assert "“6270” is not a US ZIP code" in bad.json()["errors"]["zip_code"][0]
    foreign = api_validate(api, MAIN_ST, numbers=(e911.foreign,))
    message = foreign.json()["errors"]["numbers"][0]
    assert message.startswith(f"+{e911.foreign} is not a US or Canadian number")
    unvalidated = api.post(
        "/api/v1/tenants/acme/e911/", {"numbers": [str(N1)], "validation": "x"}, format="json"
    )
    assert unvalidated.status_code == 400
    assert "Validate the address with Wavix first" in unvalidated.json()["errors"]["validation"][0]


def test_numbers_that_only_look_like_digits_are_refused_by_name_not_a_500(e911):
    client = login(e911.admin_a)
    response = client.post("/t/acme/e911/remove/", {"numbers": "²"}, follow=True)
    assert "Not phone numbers in E.164 digits: ²." in response.content.decode()
    api = api_client(e911.admin_a, e911.a)
    bad = api.post(
        "/api/v1/tenants/acme/e911/validate/",
        {"numbers": ["+1646809706٥"], "name": "HQ", "address": {}},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["numbers"] == ["Not phone numbers in E.164 digits: +1646809706٥."]


def test_api_an_unknown_status_filter_is_named_not_an_empty_list(e911):
    api = api_client(e911.agent_a, e911.a)
    bad = api.get("/api/v1/tenants/acme/e911/?status=active")
    assert bad.status_code == 400
    assert bad.json()["errors"]["status"] == [
        "“active” is not a status: use provisioning, provisioned, failed, removing."
    ]
    assert api.get("/api/v1/tenants/acme/e911/?status=failed").status_code == 200


def test_api_agents_read_but_do_not_write(e911):
    api = api_client(e911.agent_a, e911.a)
    assert api.get("/api/v1/tenants/acme/e911/").status_code == 200
    assert api_validate(api, MAIN_ST).status_code == 403


def test_api_platform_reconcile_and_drift(e911):
    provision(e911, [N1])
    SandboxE911Record.objects.all().delete()
    api = api_client(e911.sysadmin)
    started = e911.run_tasks(api.post, "/api/v1/e911-reconcile-runs/")
    assert started.status_code == 202 and len(started.json()) == 1
    drift = api.get("/api/v1/e911-drift/").json()["results"]
    assert [(d["number"], d["kind"], d["tenant"]) for d in drift] == [
        (f"+{N1}", "missing_on_wavix", "acme")
    ]
    mine = api_client(e911.admin_a, e911.a).get("/api/v1/tenants/acme/e911-drift/").json()
    assert len(mine["results"]) == 1
    theirs = api_client(e911.admin_b, e911.b).get("/api/v1/tenants/globex/e911-drift/").json()
    assert theirs["results"] == []


# Demo data ---------------------------------------------------------------------------------------


def test_demo_data_has_numbers_with_and_without_e911_and_no_drift(
    db, settings, sandbox_account, run_tasks
):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent
    with scopes_disabled():
        assert E911Address.objects.filter(status="provisioned").count() == 6
    assert SandboxE911Record.objects.count() == 6
    run_tasks(services.sync_start, account=sandbox_account)
    run = run_tasks(reconcile_services.reconcile_start, account=sandbox_account)
    run = E911ReconcileRun.objects.get(pk=run.pk)
    assert (run.status, run.records, run.drift) == ("succeeded", 6, 0)
    from tenants.models import User

    alice = User.objects.get(email="alice@acme.example")
    dashboard = page_of(login(alice), "/t/acme/")
    assert missing_in(dashboard) > 0
    listed = page_of(login(alice), "/t/acme/e911/?state=provisioned")
    assert listed.count("E911: provisioned") == 5


def test_the_reconcile_runs_refresh_in_place_while_one_runs(e911):
    E911ReconcileRun.objects.create(account=e911.account)  # queued, as if the worker is busy
    client = login(e911.sysadmin)
    page = page_of(client, "/platform/numbers/e911/")
    assert 'hx-get="/platform/numbers/e911/?runs=1"' in page
    partial = client.get("/platform/numbers/e911/?runs=1", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'id="e911-runs"' in html and "Queued" in html and "<nav" not in html


def test_the_form_lists_only_the_tenants_own_numbers(e911):
    page = page_of(login(e911.admin_a), f"/t/acme/e911/set/?numbers={N1}&numbers=12125550000")
    chosen = page.split('data-testid="e911-chosen"')[1].split("</ul>")[0]
    assert f"+{N1}" in chosen and "12125550000" not in chosen


def test_another_tenants_numbers_in_the_body_are_refused_and_left_alone(e911):
    """The isolation walk covers the addresses; the numbers travel in the body, so: Globex's
    number named by Acme's admin is not Acme's to validate, nor to delete."""
    theirs = 12125550000
    with scopes_disabled():
        record = E911Address.objects.create(
            tenant=e911.b, number=theirs, status="provisioned", **MAIN_ST
        )
    client = login(e911.admin_a)
    page = validate_page(client, "acme", [theirs], MAIN_ST)
    assert f"+{theirs} is not one of Acme" in page
    removed = client.post("/t/acme/e911/remove/", {"numbers": str(theirs)}, follow=True)
    assert f"+{theirs} has no emergency address to remove." in removed.content.decode()
    api = api_client(e911.admin_a, e911.a)
    assert api.delete(f"/api/v1/tenants/acme/e911/{theirs}/").status_code == 404
    with scopes_disabled():
        record.refresh_from_db()
        assert record.status == "provisioned" and not E911Job.objects.filter(tenant=e911.a)


def test_errors_recorded_before_the_upgrade_are_moved_out_of_tenant_users_sight(e911):
    import importlib

    from django.apps import apps

    raw = "Wavix POST /v1/e911-records failed: ReadTimeout: HTTPConnectionPool(host='127.0.0.1')"
    provision(e911, [N1])
    with scopes_disabled():
        job = E911Job.objects.get()
        E911Job.objects.filter(pk=job.pk).update(status="failed", error=raw)
        E911Address.objects.filter(number=N1).update(error=f"Removal failed: {raw}")
        migration = importlib.import_module("dids.migrations.0008_e911_errors_in_plain_words")
        migration.to_plain_words(apps, None)
        job.refresh_from_db()
        record = E911Address.objects.get(number=N1)
    assert (job.error_detail, record.error_detail) == (raw, f"Removal failed: {raw}")
    assert job.error.startswith("Wavix could not complete this change.")
    assert record.error.startswith("The emergency address could not be deleted on Wavix")
    page = page_of(login(e911.admin_a), "/t/acme/e911/")
    assert "ReadTimeout" not in page and "could not be deleted on Wavix" in page
