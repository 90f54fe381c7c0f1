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
    assert "is not a number" in page


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


def upload(client, data, action):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/platform/numbers/import/",
        {"file": SimpleUploadedFile("pools.csv", data), "action": action},
    )


def test_import_dry_run_reports_each_row_and_changes_nothing(world):
    client = login(world.sysadmin)
    page = upload(client, CSV_BAD, "dry_run")
    html = page.content.decode()
    assert page.status_code == 400
    # The conflict is between two rows of the same file.
    assert "16468097068-16468097070 already belong to Acme Telecom" in html
    assert "no tenant with the slug “nobody”" in html
    assert "other than digits" in html
    with scopes_disabled():
        assert not DidPool.objects.exists()


def test_import_commit_is_all_or_nothing(world):
    client = login(world.sysadmin)
    upload(client, CSV_BAD, "commit")
    with scopes_disabled():
        assert not DidPool.objects.exists()
    response = upload(client, CSV_GOOD, "commit")
    assert response.status_code == 302
    with scopes_disabled():
        sizes = dict(DidPool.objects.values_list("tenant__slug", "size"))
    assert sizes == {"acme": 3, "globex": 1_000_000}


def test_import_refuses_a_file_without_the_columns(world):
    page = upload(login(world.sysadmin), b"slug,range\nacme,1\n", "dry_run").content.decode()
    assert "lacks the column(s) tenant, pool, numbers" in page


def test_export_round_trips_through_import(world):
    services.pool_save(tenant=world.a, text="16468097065-16468097066;16468097070")
    client = login(world.sysadmin)
    response = client.get("/platform/numbers/pools.csv")
    data = b"".join(response.streaming_content)
    assert data.splitlines()[1] == b"acme,Direct,16468097065-16468097066;16468097070,3"
    with scopes_disabled():
        DidPool.objects.all().delete()
    upload(client, data, "commit")
    with scopes_disabled():
        assert DidPool.objects.get().spec == "16468097065-16468097066;16468097070"
