"""A tenant admin uploads the documents Wavix requires for an inactive German number, in real
Chromium against the Wavix sandbox (served by the same live server over HTTP): the number's
page lists what is needed, a PNG and a PDF go up and are shown under review, a bad file is
refused inline, and after Wavix's review and the next sync the number shows active."""

import pytest
from playwright.sync_api import Page, expect

from dids.services import pool_save, sync_start
from sandbox.wavix.accounts import account_for_key
from tests.dids.documents_support import PDF, PNG, sandbox_german_numbers

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e

BERLIN = 493012345670


@pytest.fixture
def papers(world, live_sandbox, settings):
    settings.WAVIX_SANDBOX_DOC_REVIEW_SECONDS = 0
    live_sandbox.sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    sandbox_german_numbers(live_sandbox, [BERLIN, BERLIN + 1])
    pool_save(tenant=world.a, text=f"{BERLIN}-{BERLIN + 1}")
    world.a.uploads_documents = True
    world.a.save()
    sync_start(account=live_sandbox)  # runs at once: tasks are eager
    world.account = live_sandbox
    return world


def upload(page: Page, doc_type: str, name: str, data: bytes, mime: str) -> None:
    form = page.get_by_test_id("document-form")
    form.get_by_label("Document type").select_option(label=doc_type)
    form.get_by_label("File").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    form.get_by_test_id("document-upload").click()


def test_an_admin_uploads_the_documents_and_the_number_turns_active(
    page: Page, live_server, papers
):
    log_in(page, live_server.url, papers.admin_a)
    page.goto(f"{live_server.url}/t/acme/numbers/?status=inactive")
    table = page.get_by_test_id("number-table")
    expect(table.get_by_test_id("documents-needed")).to_have_count(2)
    table.locator(f"a[href$='/numbers/{BERLIN}/documents/']").click()
    expect(heading(page)).to_contain_text("Documents of +493012345670")
    expect(page.get_by_test_id("documents-needed")).to_have_text(
        "Documents needed: Proof of identity, Proof of address"
    )
    expect(page.locator("[data-state=missing]")).to_have_count(2)

    upload(page, "Proof of identity", "passport.png", b"MZ not an image", "image/png")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(
        "“passport.png” is not a PNG, JPG/JPEG, TIFF, BMP or PDF file"
    )

    upload(page, "Proof of identity", "passport.png", PNG, "image/png")
    job = page.get_by_test_id("document-job")
    expect(job).to_have_attribute("data-status", "succeeded")
    expect(job).to_contain_text("Sent to Wavix")
    expect(job.locator("[data-state=pending]")).to_have_text("Under review")

    page.goto(f"{live_server.url}/t/acme/numbers/{BERLIN}/documents/")
    expect(page.locator("tr[data-doc-type='1'] [data-state=pending]")).to_be_visible()
    upload(page, "Proof of address", "utility-bill.pdf", PDF, "application/pdf")
    expect(page.get_by_test_id("document-job")).to_have_attribute("data-status", "succeeded")

    sync_start(account=papers.account)  # the next sync reads Wavix's review
    page.goto(f"{live_server.url}/t/acme/numbers/{BERLIN}/documents/")
    expect(page.get_by_test_id("number-status")).to_have_text("Active")
    expect(page.locator("[data-state=approved]")).to_have_count(2)
    page.goto(f"{live_server.url}/t/acme/documents/?status=approved")
    expect(page.get_by_test_id("document-table").locator("tbody tr")).to_have_count(2)
