"""System administrators give tenants numbers in the browser: preview first, then save; CSV
import with a dry run; export; who owns a number."""

import pytest
from django_scopes import scopes_disabled

from dids import services
from dids.forms import text_fingerprint
from dids.models import DidPool, NumberRange

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_preview_then_save(world):
    client = login(world.sysadmin)
    url = f"/platform/tenants/{world.a.slug}/pools/new/"
    text = "16468097070-16468097080; +16468097065\n16468097066"
    page = client.post(url, {"name": "Direct", "numbers": text, "action": "preview"})
    html = page.content.decode()
    assert 'data-testid="pool-preview"' in html and "16468097065-16468097066;16468097070" in html
    assert 'data-testid="save-pool"' in html
    with scopes_disabled():
        assert not DidPool.objects.exists()

    # Save is only honoured for the text that was previewed.
    changed = client.post(
        url,
        {
            "name": "Direct",
            "numbers": text + ";16468097090",
            "previewed": text_fingerprint(text),
            "action": "save",
        },
    )
    assert changed.status_code == 200
    with scopes_disabled():
        assert not DidPool.objects.exists()

    saved = client.post(
        url,
        {"name": "Direct", "numbers": text, "previewed": text_fingerprint(text), "action": "save"},
    )
    assert saved.status_code == 302
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=world.a)
    assert pool.spec == "16468097065-16468097066;16468097070-16468097080"
    detail = client.get(f"/platform/tenants/{world.a.slug}/").content.decode()
    assert "16468097065-16468097066;16468097070-16468097080" in detail


def test_preview_counts_the_added_numbers_held_on_wavix(world):
    from dids.models import Did

    Did.objects.create(number=16468097071, status="active")
    Did.objects.create(number=16468097072, status="released")
    page = (
        login(world.sysadmin)
        .post(
            f"/platform/tenants/{world.a.slug}/pools/new/",
            {"name": "Direct", "numbers": "16468097070-16468097080", "action": "preview"},
        )
        .content.decode()
    )
    assert "(11; 1 held on Wavix)" in page


def test_preview_shows_conflicts_and_offers_no_save(world):
    services.pool_save(tenant=world.b, text="16468097075-16468097078")
    client = login(world.sysadmin)
    page = client.post(
        f"/platform/tenants/{world.a.slug}/pools/new/",
        {"name": "Direct", "numbers": "16468097070-16468097080", "action": "preview"},
    ).content.decode()
    assert "16468097075-16468097078 already belong to Globex Corporation" in page
    assert 'data-testid="save-pool"' not in page


def test_syntax_errors_are_shown_under_the_field(world):
    client = login(world.sysadmin)
    page = client.post(
        f"/platform/tenants/{world.a.slug}/pools/new/",
        {"name": "Direct", "numbers": "16468097080-16468097070;12ab", "action": "preview"},
    ).content.decode()
    assert "segment 1" in page and "below the start" in page
    assert "segment 2" in page and "other than digits" in page
    assert "is-invalid" in page


def test_edit_removes_numbers_and_audit_keeps_before_after(world):
    pool, _ = services.pool_save(tenant=world.a, text="16468097065-16468097080")
    client = login(world.sysadmin)
    url = f"/platform/pools/{pool.pk}/edit/"
    assert "16468097065-16468097080" in client.get(url).content.decode()
    text = "16468097065-16468097070"
    page = client.post(url, {"name": "Direct", "numbers": text, "action": "preview"})
    assert "16468097071-16468097080" in page.content.decode()  # removed
    client.post(
        url,
        {"name": "Direct", "numbers": text, "previewed": text_fingerprint(text), "action": "save"},
    )
    with scopes_disabled():
        assert list(NumberRange.objects.values_list("start", "end")) == [(16468097065, 16468097070)]
    audit = client.get("/platform/audit/?object_type=dids.didpool").content.decode()
    assert "Updated" in audit


def test_delete_pool(world):
    pool, _ = services.pool_save(tenant=world.a, text="16468097065")
    client = login(world.sysadmin)
    client.post(f"/platform/pools/{pool.pk}/delete/")
    with scopes_disabled():
        assert not DidPool.objects.exists() and not NumberRange.objects.exists()


def test_who_owns_search(world):
    services.pool_save(tenant=world.b, text="12125550000-12126549999")
    client = login(world.sysadmin)
    page = client.get("/platform/numbers/?number=%2B12126000000").content.decode()
    assert "belongs to" in page and "Globex Corporation" in page
    page = client.get("/platform/numbers/?number=19995550000").content.decode()
    assert "is in no tenant" in page
    page = client.get("/platform/numbers/?number=12-ab").content.decode()
    assert "“12-ab” is not a phone number: it has characters other than digits" in page


CSV_GOOD = (
    b"tenant,pool,numbers\n"
    b"acme,Direct,16468097065-16468097066;16468097070\n"
    b"globex,Direct,12125550000-12126549999\n"
)
CSV_BAD = (
    b"tenant,pool,numbers\n"
    b"acme,Direct,16468097065-16468097070\n"
    b"globex,Direct,16468097068-16468097075\n"
    b"nobody,Direct,16468097090\n"
    b"acme,Other,12x\n"
)


def upload(client, data, action="dry_run", follow=True):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/platform/numbers/import/",
        {"file": SimpleUploadedFile("pools.csv", data), "action": action},
        follow=follow,
    )


def import_job():
    from dids.models import PoolImport

    return PoolImport.objects.latest("created_at")


def apply(client, job=None):
    job = job or import_job()
    return client.post(f"/platform/numbers/import/{job.key}/apply/", follow=True)


def test_import_dry_run_reports_each_row_and_changes_nothing(world):
    client = login(world.sysadmin)
    page = upload(client, CSV_BAD)
    html = page.content.decode()
    assert page.status_code == 400
    # The conflict is between two rows of the same file.
    assert "16468097068-16468097070 already belong to Acme Telecom" in html
    assert "line 2 of this file" in html
    assert "no tenant with the slug “nobody”" in html
    assert "other than digits" in html
    assert 'data-testid="apply-import"' not in html
    with scopes_disabled():
        assert not DidPool.objects.exists()
    # A dry run with errors cannot be applied, even by posting to Import.
    apply(client)
    with scopes_disabled():
        assert not DidPool.objects.exists()


def test_import_applies_exactly_what_the_dry_run_checked(world):
    client = login(world.sysadmin)
    report = upload(client, CSV_GOOD)
    html = report.content.decode()
    assert "All 2 rows are valid" in html and 'data-testid="apply-import"' in html
    with scopes_disabled():
        assert not DidPool.objects.exists()
    # Import sends no file: it applies the rows the dry run kept.
    done = apply(client)
    assert done.redirect_chain[-1][0] == "/platform/numbers/"
    assert "Imported 2 pool(s)." in done.content.decode()
    with scopes_disabled():
        sizes = dict(DidPool.objects.values_list("tenant__slug", "size"))
        assert NumberRange.objects.count() == 3
    assert sizes == {"acme": 3, "globex": 1_000_000}
    # Applied once: a second Import changes nothing and says why.
    again = apply(client).content.decode()
    assert "cannot be applied" in again
    with scopes_disabled():
        assert NumberRange.objects.count() == 3


def test_import_is_refused_when_the_pools_changed_since_the_dry_run(world):
    client = login(world.sysadmin)
    upload(client, CSV_GOOD)
    services.pool_save(tenant=world.b, text="19995550000", name="Other")
    page = apply(client).content.decode()
    assert "The pools changed since the dry run" in page
    with scopes_disabled():
        assert list(DidPool.objects.values_list("name", flat=True)) == ["Other"]


def test_another_administrators_import_is_a_404(world):
    from tenants import services as tenant_services

    upload(login(world.sysadmin), CSV_GOOD)
    job = import_job()
    other = tenant_services.user_create(
        email="root2@portal.example", password="x" * 20, full_name="Other", is_system_admin=True
    )
    client = login(other)
    assert client.get(f"/platform/numbers/import/{job.key}/").status_code == 404
    assert client.post(f"/platform/numbers/import/{job.key}/apply/").status_code == 404
    with scopes_disabled():
        assert not DidPool.objects.exists()


def test_import_edits_existing_pools_and_refuses_numbers_in_use(world):
    from dids import usage

    services.pool_save(tenant=world.a, text="16468097065-16468097070")

    def e911_like(tenant, numbers):
        return [usage.Use(16468097066, "test use")] if 16468097066 in numbers else []

    usage.register(e911_like)
    try:
        client = login(world.sysadmin)
        page = upload(client, b"tenant,pool,numbers\nacme,Direct,16468097065\n")
        assert "+16468097066 is in use: test use" in page.content.decode()
    finally:
        usage.unregister(e911_like)
    page = upload(client, b"tenant,pool,numbers\nacme,Direct,16468097065;16468097080\n")
    html = page.content.decode()
    assert "16468097066-16468097070" in html and "16468097080" in html  # removed, added
    apply(client)
    with scopes_disabled():
        assert DidPool.objects.get().spec == "16468097065;16468097080"
        assert list(NumberRange.objects.values_list("start", "end")) == [
            (16468097065, 16468097065),
            (16468097080, 16468097080),
        ]


def test_import_refuses_a_file_without_the_columns(world):
    page = upload(login(world.sysadmin), b"slug,range\nacme,1\n").content.decode()
    assert "lacks the column(s) tenant, pool, numbers" in page


def test_import_refuses_a_repeated_header_column(world):
    data = b"tenant,pool,numbers,pool\nacme,Direct,16468097065,Other\n"
    page = upload(login(world.sysadmin), data).content.decode()
    assert "The header row repeats the column “pool” (columns 2 and 4)" in page
    with scopes_disabled():
        assert not DidPool.objects.exists()


def test_import_row_goes_through_the_editors_validation(world):
    data = b"tenant,pool,numbers\nacme,Dir\x00ect,16468097065\nglobex," + b"x" * 101 + b",1\n"
    page = upload(login(world.sysadmin), data)
    html = page.content.decode()
    assert page.status_code == 400
    assert "pool: Null characters are not allowed." in html
    assert "pool: Ensure this value has at most 100 characters (it has 101)." in html
    assert "“1” has 1 digits; a phone number has at least 8" in html


def test_a_cell_over_the_csv_limit_gets_a_message_not_a_500(world, settings):
    settings.DID_POOL_IMPORT_INLINE_BYTES = 1_000_000
    data = b"tenant,pool,numbers\nacme,Direct," + b"1" * 140_000 + b"\n"
    page = upload(login(world.sysadmin), data)
    assert page.status_code == 400
    assert "Line 2: a cell is longer than 131,072 characters" in page.content.decode()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, settings):
    settings.DID_POOL_IMPORT_MAX_BYTES = 1000
    page = upload(login(world.sysadmin), b"tenant,pool,numbers\n" + b"acme,P,1\n" * 200)
    assert page.status_code == 400
    assert "The file has 1,820 bytes; at most 1,000 per import." in page.content.decode()
    from dids.models import PoolImport

    assert not PoolImport.objects.exists()


def test_a_large_import_runs_in_the_background_with_progress(
    world, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.DID_POOL_IMPORT_INLINE_BYTES = 10
    client = login(world.sysadmin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = upload(client, CSV_GOOD)
    html = page.content.decode()
    url = page.redirect_chain[-1][0]
    assert 'data-status="queued"' in html and 'hx-trigger="every 1s"' in html
    assert len(queued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    page = client.get(url).content.decode()
    assert "All 2 rows are valid" in page and 'hx-trigger="every 1s"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        queued_page = apply(client).content.decode()
    assert 'data-phase="apply"' in queued_page and 'data-status="queued"' in queued_page
    done = client.get(url).content.decode()
    assert "Imported 2 pools (1,000,003 numbers)." in done
    with scopes_disabled():
        assert DidPool.objects.count() == 2


def test_the_dry_run_costs_the_same_queries_for_10_or_400_rows(world):
    """Linear: every row is checked against the pools in one pass, not a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dids.services import imports

    services.pool_save(tenant=world.b, text="12125550000-12125559999")

    def queries(rows):
        records = [
            (i + 2, {"tenant": "acme", "pool": f"P{i}", "numbers": f"{16460000000 + 10 * i}"})
            for i in range(rows)
        ]
        records.append((rows + 2, {"tenant": "acme", "pool": "X", "numbers": "12125550005"}))
        with CaptureQueriesContext(connection) as ctx:
            checked = imports.check_rows(records)
        assert "already belong to Globex Corporation" in checked[-1].errors[0]
        return len(ctx)

    assert queries(10) == queries(400)


def test_export_round_trips_through_import(world):
    services.pool_save(tenant=world.a, text="16468097065-16468097066;16468097070")
    client = login(world.sysadmin)
    response = client.get("/platform/numbers/pools.csv")
    data = b"".join(response.streaming_content)
    assert data.splitlines()[1] == b"acme,Direct,16468097065-16468097066;16468097070,3"
    with scopes_disabled():
        DidPool.objects.all().delete()
    upload(client, data)
    apply(client)
    with scopes_disabled():
        assert DidPool.objects.get().spec == "16468097065-16468097066;16468097070"


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_computes_outside_any_transaction(world, monkeypatch):
    """No write lock is held while rows are checked: the check runs in autocommit."""
    from django.db import connection

    from dids.services import imports

    seen = []
    real = imports.check_rows

    def spy(records, progress=None):
        seen.append(connection.in_atomic_block)
        return real(records, progress)

    monkeypatch.setattr(imports, "check_rows", spy)
    page = upload(login(world.sysadmin), CSV_GOOD)
    assert "All 2 rows are valid" in page.content.decode()
    assert seen == [False]


def test_import_writes_in_the_same_number_of_queries_for_10_or_100_pools(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dids.services import imports
    from portal.models import AuditEntry

    def queries(rows, first):
        lines = ["tenant,pool,numbers"] + [
            f"acme,P{first + i},{16460000000 + 10 * (first + i)}" for i in range(rows)
        ]
        upload = SimpleUploadedFile("p.csv", "\n".join(lines).encode())
        job = imports.import_start(user=world.sysadmin, upload=upload)
        with CaptureQueriesContext(connection) as ctx:
            job = imports.import_apply(job=job)
        assert job.applied
        return len(ctx)

    queries(1, 500)  # warms Django's content-type cache, read once per process
    assert queries(10, 0) == queries(100, 10)
    with scopes_disabled():
        assert DidPool.objects.count() == 111 and NumberRange.objects.count() == 111
        assert AuditEntry.objects.filter(action="create", object_repr__contains="P42").exists()
