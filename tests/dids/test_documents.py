"""Documents for numbers Wavix holds inactive until it has them, against the Wavix sandbox
(in process, through the real client): the upload job, Wavix refusing, a lost answer retried
without a second document, the bytes wiped, the sync following Wavix's review until the
number is active, a rejected document replaced."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from dids import selectors
from portal.models import AuditEntry
from sandbox.wavix.faults import faults_set

from .documents_support import BERLIN, PDF, PNG, did, documents_of, reload, set_up, sync, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(world, sandbox_account, run_tasks, settings):
    settings.WAVIX_SANDBOX_DOC_REVIEW_SECONDS = 0
    set_up(world, sandbox_account, run_tasks)
    world.account, world.run_tasks = sandbox_account, run_tasks
    return world


def test_the_sync_shows_which_documents_an_inactive_number_needs(papers):
    number = did(BERLIN[0])
    assert number.status == "inactive"
    assert number.required_docs == ["Proof of identity", "Proof of address"]
    assert selectors.open_types(number) == [1, 2]


def test_an_upload_is_sent_to_wavix_under_review_and_its_bytes_wiped(papers):
    job = reload(upload(papers, papers.run_tasks))
    assert job.status == "succeeded", job.error
    assert job.note == "Sent to Wavix for 1 number; under review."
    assert bytes(job.data) == b"" and job.wiped_at is not None
    (doc,) = documents_of(BERLIN[0])
    assert doc.status == "pending" and doc.wavix_id and doc.allow_replace is False
    assert selectors.open_types(did(BERLIN[0])) == [2], "identity is covered while under review"
    with scopes_disabled():
        assert AuditEntry.objects.filter(object_id=str(doc.pk), action="create").exists()


def test_the_file_is_encrypted_while_it_waits_for_wavix(papers, hold_task):
    hold_task("dids.tasks", "document_upload_run")
    job = reload(upload(papers, papers.run_tasks))
    assert job.status == "queued"
    stored = bytes(job.data)
    assert stored and PNG not in stored and not stored.startswith(b"\x89PNG")
    from portal.crypto import decrypt_bytes

    assert decrypt_bytes(stored) == PNG
    assert documents_of(BERLIN[0])[0].status == "uploading"


def test_the_sync_follows_wavixs_approval_until_the_number_is_active(papers):
    upload(papers, papers.run_tasks, doc_type=1)
    upload(papers, papers.run_tasks, doc_type=2, data=PDF, name="utility-bill.pdf")
    sync(papers.run_tasks, papers.account)
    number = did(BERLIN[0])
    assert number.status == "active" and number.required_docs == []
    assert [d.status for d in documents_of(BERLIN[0])] == ["approved", "approved"]


def test_one_document_covers_several_numbers(papers):
    job = reload(upload(papers, papers.run_tasks, numbers=BERLIN[:2]))
    assert job.note == "Sent to Wavix for 2 numbers; under review."
    assert [d.status for n in BERLIN[:2] for d in documents_of(n)] == ["pending", "pending"]
    with scope(tenant=papers.a):
        offered = selectors.numbers_needing(papers.a, 1, exclude=BERLIN[0])
    assert [d.number for d in offered] == [BERLIN[2]]


def test_a_rejected_document_can_be_replaced(papers):
    upload(papers, papers.run_tasks, name="reject-blurry.png")
    sync(papers.run_tasks, papers.account)
    (doc,) = documents_of(BERLIN[0])
    assert doc.status == "rejected" and doc.allow_replace is True
    assert "Wavix rejected this document" in doc.reason
    assert did(BERLIN[0]).status == "inactive"
    assert selectors.open_types(did(BERLIN[0])) == [1, 2]
    upload(papers, papers.run_tasks, name="passport.png")
    sync(papers.run_tasks, papers.account)
    assert [d.status for d in documents_of(BERLIN[0])] == ["rejected", "approved"]


def test_a_second_document_of_a_covered_type_is_refused_and_nothing_saved(papers):
    upload(papers, papers.run_tasks)
    with pytest.raises(ValidationError) as refused:
        upload(papers, papers.run_tasks)
    assert "does not need a proof of identity" in str(refused.value)
    assert "already uploaded" in str(refused.value)
    assert len(documents_of(BERLIN[0])) == 1


def test_a_number_that_needs_nothing_or_is_not_the_tenants_is_refused(papers):
    from dids.models import Did

    Did.objects.create(number=12125550100, account=papers.account, status="active")
    for number, words in ((12125550100, "is not one of your numbers"), (BERLIN[0], "")):
        if words:
            with pytest.raises(ValidationError) as refused:
                upload(papers, papers.run_tasks, numbers=[number])
            assert words in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        upload(papers, papers.run_tasks, doc_type=3)
    assert "does not need a proof of business registration" in str(refused.value)


def test_wavix_refusing_fails_the_job_with_its_reason(papers):
    from sandbox.wavix.models import SandboxDocument, SandboxNumber

    # Wavix holds a document the portal does not know of: it refuses a second one.
    number = SandboxNumber.objects.get(number=str(BERLIN[0]))
    SandboxDocument.objects.create(
        account=number.account,
        number=number,
        doc_type=1,
        file_name="elsewhere.png",
        content_type="image/png",
        size=10,
        review_at="2099-01-01T00:00:00Z",
    )
    job = reload(upload(papers, papers.run_tasks))
    assert job.status == "failed"
    assert job.error.startswith("Wavix refused the document: A document of type 1 is already")
    assert "400" in job.error_detail
    (doc,) = documents_of(BERLIN[0])
    assert doc.status == "failed" and doc.reason == job.error
    assert selectors.open_types(did(BERLIN[0])) == [1, 2], "a failed upload may be sent again"


def test_wavix_not_answering_retries_then_succeeds(papers, hold_task, no_client_backoff):
    held = hold_task("dids.tasks", "document_upload_run")
    faults = faults_set(
        account=papers.account.sandbox, error_rate=1.0, path_prefix="/v1/numbers/papers"
    )
    job = upload(papers, papers.run_tasks)
    held.run_next()
    waiting = reload(job)
    assert waiting.status == "retrying" and waiting.attempt == 2
    assert "tries again by itself" in waiting.error
    faults.delete()
    held.run_next()
    job = reload(job)
    assert job.status == "succeeded" and bytes(job.data) == b""
    assert documents_of(BERLIN[0])[0].status == "pending"


def test_a_lost_answer_is_not_uploaded_twice(papers, hold_task, no_client_backoff, monkeypatch):
    """The first attempt reached Wavix but its answer was lost: the retry finds Wavix's
    document and adopts it instead of sending a second one."""
    from portal.wavix.client import WavixClient
    from portal.wavix.errors import WavixNetworkError
    from sandbox.wavix.models import SandboxDocument

    held = hold_task("dids.tasks", "document_upload_run")
    real = WavixClient.upload_number_document

    def lost(self, **kwargs):
        real(self, **kwargs)
        raise WavixNetworkError(
            "timed out", outcome_unknown=True, method="POST", path="/v1/numbers/papers"
        )

    monkeypatch.setattr(WavixClient, "upload_number_document", lost)
    job = upload(papers, papers.run_tasks)
    held.run_next()
    assert reload(job).status == "retrying"
    held.run_next()
    job = reload(job)
    assert job.status == "succeeded", job.error
    assert SandboxDocument.objects.count() == 1
    assert documents_of(BERLIN[0])[0].wavix_id == str(SandboxDocument.objects.get().pk)


def test_the_demo_gives_acme_german_numbers_that_need_documents(
    db, settings, sandbox_account, run_tasks
):
    from django.core.management import call_command

    from dids.models import Did
    from tenants.models import Tenant

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent
    acme = Tenant.objects.get(slug="acme")
    assert acme.uploads_documents
    sync(run_tasks, sandbox_account)
    with scope(tenant=acme):
        needing = list(selectors.tenant_dids(acme).filter(status="inactive", country="DE"))
    assert len(needing) == 2
    assert all(d.required_docs == ["Proof of identity", "Proof of address"] for d in needing)
    assert Did.objects.filter(country="DE").count() > 2, "the others are in no pool"
