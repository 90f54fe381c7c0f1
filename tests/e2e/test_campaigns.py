"""Voice campaigns in real Chromium against the Wavix sandbox (served by the same live server
over HTTP), dialled by a real Celery worker on the test run's Redis and database: a system
administrator enters a call flow for Acme; Acme's admin uploads a CSV (a bad row reported, an
opted-out number shown as skipped), watches the progress until every call has ended, and finds
each call's record after the call-record pull; and one contact's campaign, the same way."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scope
from playwright.sync_api import Page, expect

from dids.models import Did
from dids.services import pool_save, sync_start
from messaging.models import OptOut
from portal.celery import app
from portal.services import wavix_account_save
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.seed import seed_account
from trunks.services import cdrs

from .test_roles import heading, log_in, platform_nav, tenant_nav

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]
SUBMIT = "main form button[type=submit]"
# The sandbox decides a call's end by the number: 0001 answers, one ending in 13 is busy.
OPTED_OUT = "14155550002"
CSV = (
    "number,name\n+1 415 555 0001,Ann\n+1 415 555 0013,Bob\n+1 415 555 0002,Cy\nnot a number,Dee\n"
)


@pytest.fixture
def sandbox(live_server, settings, world):
    """The portal's default Wavix account is the sandbox on the live server; Acme's pool holds
    numbers active there (the inventory synced at once, in this process). Tasks sent from now
    on go to the real worker."""
    settings.WAVIX_SANDBOX_ENABLED = True
    account = wavix_account_save(
        name="Sandbox",
        base_url=f"{live_server.url}/wavix-sandbox",
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
        is_default=True,
    )
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=10)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        sync_start(account=account)
    finally:
        app.conf.task_always_eager = previous
    active = sorted(
        Did.objects.filter(account=account, status="active").values_list("number", flat=True)
    )
    pool_save(tenant=world.a, text=";".join(map(str, active[:2])), name="Campaigns")
    return account, active[0]


@pytest.fixture
def worker(live_server):
    """A real Celery worker (one process) on this test's database and broker."""
    app.control.purge()  # nothing left from another test's run
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WAVIX_SANDBOX_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"]
        + ["-n", f"campaigns-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def enter_flow(page: Page, base_url: str, sysadmin) -> None:
    log_in(page, base_url, sysadmin)
    platform_nav(page).get_by_role("link", name="Call flows").click()
    expect(heading(page)).to_have_text("Call flows")
    page.get_by_role("link", name="New call flow").click()
    form = page.get_by_test_id("callflow-form")
    form.get_by_label("Flow id on Wavix").fill("101")
    form.get_by_label("Label").fill("Appointment reminder")
    form.get_by_label("Acme Telecom").check()
    page.locator(SUBMIT).click()
    expect(page.get_by_role("alert")).to_contain_text("Call flow “Appointment reminder” saved.")
    page.context.clear_cookies()  # the tenant admin logs in next, in the same browser


def new_campaign(page: Page, base_url: str, admin, caller: int, name: str) -> None:
    log_in(page, base_url, admin)
    tenant_nav(page).get_by_role("link", name="Voice campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    expect(heading(page)).to_have_text("New voice campaign")
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("Name").fill(name)
    expect(form.get_by_label("Call flow").locator("option:checked")).to_have_text(
        "Appointment reminder (#101)"
    )
    form.get_by_label("Caller ID").fill(f"+{caller}")
    form.get_by_label("Calls per minute").fill("60")


def wait_until_finished(page: Page) -> None:
    """The progress part refreshes itself every 2 s until the campaign is over."""
    expect(page.get_by_test_id("campaign-state")).to_have_text("Completed", timeout=60_000)


def contact_row(page: Page, number: str):
    return page.get_by_test_id("contact-table").locator("tbody tr", has_text=number)


def test_a_csv_campaign_skips_the_bad_and_opted_out_calls_the_rest_and_finds_their_records(
    page: Page, live_server, world, sandbox, worker, screenshot
):
    account, caller = sandbox
    with scope(tenant=world.a):
        OptOut.objects.create(tenant=world.a, recipient=OPTED_OUT)
    enter_flow(page, live_server.url, world.sysadmin)

    new_campaign(page, live_server.url, world.admin_a, caller, "Reminders")
    page.get_by_label("Or a contact list (CSV)").set_input_files(
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.locator(SUBMIT).click()

    expect(heading(page)).to_have_text("Reminders")
    alerts = page.get_by_role("alert")
    expect(alerts.filter(has_text="started")).to_contain_text(
        "Campaign “Reminders” started: 2 contact(s) to call at 60 a minute."
    )
    expect(alerts.filter(has_text="row(s) skipped")).to_contain_text("1 row(s) skipped:")
    expect(alerts.filter(has_text="row(s) skipped")).to_contain_text("not a number")
    expect(alerts.filter(has_text="opted out")).to_contain_text(
        "1 number(s) opted out and are skipped."
    )
    expect(contact_row(page, "not a number")).to_have_attribute("data-status", "skipped")
    expect(contact_row(page, "+14155550002")).to_contain_text("Opted out")

    wait_until_finished(page)
    expect(page.get_by_test_id("count-completed")).to_have_text("1")
    expect(page.get_by_test_id("count-failed")).to_have_text("1")
    expect(page.get_by_test_id("count-skipped")).to_have_text("2")
    expect(page.get_by_test_id("count-queued")).to_have_text("0")

    cdrs.pull_accounts(account_id=account.pk)  # the periodic call-record pull, now
    page.reload()
    answered, busy = contact_row(page, "+14155550001"), contact_row(page, "+14155550013")
    expect(answered).to_have_attribute("data-status", "completed")
    expect(answered.get_by_test_id("matched-call")).to_contain_text("Answered")
    expect(busy).to_have_attribute("data-status", "failed")
    expect(busy.get_by_test_id("contact-reason")).to_have_text("The call failed.")
    expect(busy.get_by_test_id("matched-call")).to_contain_text("Busy")
    screenshot("campaign-finished")

    answered.get_by_role("link", name="the call").click()
    expect(heading(page)).to_contain_text("Call of ")
    expect(page.locator("main")).to_contain_text("+14155550001")
    expect(page.locator("main")).to_contain_text("Answered")


def test_one_contact_is_called_and_its_progress_followed_to_the_end(
    page: Page, live_server, world, sandbox, worker
):
    _, caller = sandbox
    enter_flow(page, live_server.url, world.sysadmin)
    new_campaign(page, live_server.url, world.admin_a, caller, "Just Ann")
    page.get_by_label("One contact").fill("+1 415 555 0001")
    page.locator(SUBMIT).click()

    expect(heading(page)).to_have_text("Just Ann")
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("of 1 contacts done")
    wait_until_finished(page)
    expect(page.get_by_test_id("count-completed")).to_have_text("1")
    page.reload()
    expect(contact_row(page, "+14155550001")).to_have_attribute("data-status", "completed")
