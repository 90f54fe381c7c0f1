"""Number documents in the browser: who may upload (system administrators always, tenant
admins when their tenant allows it), another tenant's number is a 404, a bad file is an
inline error naming it and the rule with nothing saved, the upload's page, the list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from dids.models import DocumentUpload, NumberDocument

from ..conftest import login
from .documents_support import BERLIN, PNG, set_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(world, sandbox_account, run_tasks, settings):
    settings.WAVIX_SANDBOX_DOC_REVIEW_SECONDS = 0
    set_up(world, sandbox_account, run_tasks)
    world.account, world.run_tasks = sandbox_account, run_tasks
    return world


def allow(tenant, on=True):
    tenant.uploads_documents = on
    tenant.save()


def page(number=BERLIN[0]) -> str:
    return f"/t/acme/numbers/{number}/documents/"


def post(client, name="passport.png", data=PNG, **extra):
    body = {"doc_type": "1", "file": SimpleUploadedFile(name, data, content_type="image/png")}
    return client.post(page(), {**body, **extra})


def counts():
    with scopes_disabled():
        return DocumentUpload.objects.count(), NumberDocument.objects.count()


def test_the_number_page_shows_the_documents_needed_and_their_state(papers):
    html = login(papers.admin_a).get(page()).content.decode()
    assert "Documents needed:</strong> Proof of identity, Proof of address" in html
    assert html.count('data-state="missing"') == 2


def test_a_tenant_admin_may_not_upload_unless_the_tenant_allows_it(papers):
    client = login(papers.admin_a)
    html = client.get(page()).content.decode()
    assert "Your provider uploads the documents" in html and "document-form" not in html
    assert post(client).status_code == 403
    assert counts() == (0, 0)


def test_an_allowed_tenant_admin_uploads_and_follows_the_upload(
    papers, django_capture_on_commit_callbacks, eager_celery
):
    allow(papers.a)
    client = login(papers.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 302
    with scopes_disabled():
        job = DocumentUpload.objects.get()
    assert response["Location"] == f"/t/acme/documents/uploads/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Sent to Wavix" in html and 'data-state="pending"' in html
    html = client.get(page()).content.decode()
    assert 'data-state="pending"' in html and 'data-state="missing"' in html
    assert "passport.png" in html


def test_a_system_administrator_always_may_upload(
    papers, django_capture_on_commit_callbacks, eager_celery
):
    client = login(papers.sysadmin)
    assert "document-form" in client.get(page()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client).status_code == 302
    assert counts() == (1, 1)


def test_a_bad_file_is_an_inline_error_naming_it_and_the_rule_and_nothing_is_saved(papers):
    allow(papers.a)
    response = post(login(papers.admin_a), name="passport.png", data=b"MZ\x90 not an image")
    assert response.status_code == 200
    assert (
        "“passport.png” is not a PNG, JPG/JPEG, TIFF, BMP or PDF file" in response.content.decode()
    )
    assert counts() == (0, 0)


def test_a_body_over_10_mb_is_refused_before_it_is_read(papers):
    allow(papers.a)
    client = login(papers.admin_a)
    response = client.post(page(), {"doc_type": "1"}, CONTENT_LENGTH=str(11 * 1024 * 1024))
    assert response.status_code == 200
    assert "larger than 10 MB" in response.content.decode()
    assert counts() == (0, 0)


def test_only_the_types_the_number_still_needs_are_offered(papers):
    allow(papers.a)
    client = login(papers.admin_a)
    response = post(client, doc_type="3")
    assert response.status_code == 200
    assert (
        "Select a valid choice. 3 is not one of the available choices." in response.content.decode()
    )
    assert counts() == (0, 0)


def test_the_same_document_can_cover_the_tenants_other_numbers(
    papers, django_capture_on_commit_callbacks, eager_celery
):
    allow(papers.a)
    client = login(papers.admin_a)
    html = client.get(page()).content.decode()
    assert f'value="{BERLIN[1]}"' in html and f'value="{BERLIN[2]}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, also=[str(BERLIN[1])]).status_code == 302
    assert counts() == (1, 2)


def test_another_tenants_number_is_not_found(papers):
    assert login(papers.admin_b).get(f"/t/globex/numbers/{BERLIN[0]}/documents/").status_code == 404
    assert login(papers.admin_a).get(page(12125550000)).status_code == 404


def test_agents_do_not_see_documents(papers):
    assert login(papers.agent_a).get(page()).status_code == 403


def test_the_list_filters_by_state(papers, django_capture_on_commit_callbacks, eager_celery):
    allow(papers.a)
    client = login(papers.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        post(client)
    assert "passport.png" in client.get("/t/acme/documents/?status=pending").content.decode()
    assert "passport.png" not in client.get("/t/acme/documents/?status=approved").content.decode()
    assert "passport.png" in client.get("/t/acme/documents/?q=49301").content.decode()
    listed = client.get("/t/acme/documents/").content.decode()
    assert f"/t/acme/numbers/{BERLIN[1]}/documents/" in listed, "numbers needing documents"


def test_the_numbers_list_links_to_the_documents_needed(papers):
    html = login(papers.admin_a).get("/t/acme/numbers/?status=inactive").content.decode()
    assert f"/t/acme/numbers/{BERLIN[0]}/documents/" in html and "Documents needed" in html


# API ----------------------------------------------------------------------------------------


def api_upload(client, numbers=f"+{BERLIN[0]}", name="id.png", data=PNG, doc_type="1"):
    file = SimpleUploadedFile(name, data, content_type="image/png")
    return client.post(
        "/api/v1/tenants/acme/number-documents/",
        {"numbers": numbers, "doc_type": doc_type, "file": file},
        format="multipart",
    )


def test_the_api_uploads_a_document_and_lists_it(
    papers, django_capture_on_commit_callbacks, eager_celery
):
    from ..conftest import api_client

    allow(papers.a)
    client = api_client(papers.admin_a, papers.a)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_upload(client, numbers=f"+{BERLIN[0]}, +{BERLIN[1]}")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and len(job["documents"]) == 2
    followed = client.get(f"/api/v1/tenants/acme/document-uploads/{job['id']}/").json()
    assert followed["status"] == "succeeded" and followed["wiped_at"]
    listed = client.get("/api/v1/tenants/acme/number-documents/?status=pending").json()
    assert {d["number"] for d in listed["results"]} == {f"+{BERLIN[0]}", f"+{BERLIN[1]}"}


def test_the_api_refuses_a_bad_file_or_a_tenant_not_allowed(papers):
    from ..conftest import api_client

    client = api_client(papers.admin_a, papers.a)
    assert api_upload(client).status_code == 403
    allow(papers.a)
    refused = api_upload(client, name="scan.pdf", data=b"%PDF-1.4 /Encrypt 4 0 R")
    assert refused.status_code == 400
    assert "“scan.pdf” is a password-protected" in str(refused.json()), refused.json()
    wrong = api_upload(client, numbers="+12125550000")
    assert wrong.status_code == 400 and "+12125550000 is not one of your numbers" in str(
        wrong.json()
    )
    assert counts() == (0, 0)


def test_the_api_hides_another_tenants_documents(
    papers, django_capture_on_commit_callbacks, eager_celery
):
    from ..conftest import api_client

    allow(papers.a)
    with django_capture_on_commit_callbacks(execute=True):
        job = api_upload(api_client(papers.admin_a, papers.a)).json()
    other = api_client(papers.admin_b, papers.b)
    assert other.get(f"/api/v1/tenants/globex/document-uploads/{job['id']}/").status_code == 404
    doc = job["documents"][0]["id"]
    assert other.get(f"/api/v1/tenants/globex/number-documents/{doc}/").status_code == 404
    assert other.get("/api/v1/tenants/globex/number-documents/").json()["count"] == 0


def test_the_sidebar_leads_tenant_admins_to_their_documents_and_not_agents(papers):
    html = login(papers.admin_a).get("/t/acme/documents/").content.decode()
    link = 'href="/t/acme/documents/"><i class="bi bi-file-earmark-text me-2"></i>Documents'
    assert f'nav-link text-white active" {link}' in html
    assert 'active" href="/t/acme/numbers/"' not in html
    numbers = login(papers.admin_a).get("/t/acme/numbers/").content.decode()
    assert f'nav-link text-white " {link}' in numbers
    agent = login(papers.agent_a).get("/t/acme/inbox/")
    assert agent.status_code == 200 and 'data-nav="tenant"' in agent.content.decode()
    assert link not in agent.content.decode()
