"""The opt-out pages: added by hand, imported after a dry run, removed by an admin, exported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from messaging.models import OptOut
from messaging.services.optouts import opt_out_add
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_an_agent_adds_an_opt_out_and_sees_it_listed(world):
    client = login(world.agent_a)
    response = client.post(
        "/t/acme/opt-outs/new/", {"recipient": "+44 7700 900123", "sender": "", "note": "call"}
    )
    assert response.status_code == 302
    page = client.get("/t/acme/opt-outs/").content.decode()
    assert "+447700900123" in page and "All senders" in page
    assert "Remove" not in page  # agents do not remove
    response = client.post("/t/acme/opt-outs/new/", {"recipient": "12", "sender": ""})
    assert "“12”" in response.content.decode()


def test_the_import_is_checked_first_then_applied_as_checked(world):
    client = login(world.admin_a)
    csv = b"recipient,sender\n+447700900123,\n447700900124,\n"
    checked = client.post(
        "/t/acme/opt-outs/import/",
        {"file": SimpleUploadedFile("o.csv", csv, "text/csv"), "check": "1"},
    ).content.decode()
    assert 'data-outcome="add"' in checked and "Checked: 2 to add" in checked
    with scopes_disabled():
        assert not OptOut.objects.exists()
    response = client.post("/t/acme/opt-outs/import/", {"data": csv.decode(), "apply": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        assert OptOut.objects.filter(tenant=world.a, source="import").count() == 2


def test_a_bad_row_is_named_and_nothing_is_imported(world):
    client = login(world.admin_a)
    page = client.post(
        "/t/acme/opt-outs/import/",
        {"data": "447700900123\nhello\n", "apply": "1"},
    ).content.decode()
    assert 'data-line="2" data-outcome="error"' in page and "“hello”" in page
    assert "Nothing was imported" in page
    with scopes_disabled():
        assert not OptOut.objects.exists()


def test_an_admin_removes_an_opt_out_and_the_export_lists_the_rest(world):
    with scope(tenant=world.a):
        gone = opt_out_add(tenant=world.a, recipient="447700900123")
        opt_out_add(tenant=world.a, recipient="447700900124", note="=cmd|' /C calc'!A0")
    assert login(world.agent_a).post(f"/t/acme/opt-outs/{gone.pk}/remove/").status_code == 403
    client = login(world.admin_a)
    response = client.post(f"/t/acme/opt-outs/{gone.pk}/remove/")
    assert response.status_code == 302
    exported = b"".join(client.get("/t/acme/opt-outs/export/").streaming_content).decode()
    assert "447700900124" in exported and "447700900123" not in exported
    assert "'=cmd" in exported
