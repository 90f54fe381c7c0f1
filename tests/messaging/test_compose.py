"""The compose page: the live count (the figure the send stores), refusals shown by the
field, and a send that lands in the message log."""

from django_scopes import scopes_disabled

from messaging.models import Message
from tests.conftest import login, shown

from . import factories

mms_root, sending = factories.mms_root, factories.sending


def count_of(client, text: str) -> str:
    response = client.post("/t/acme/compose/segments/", {"text": text})
    assert response.status_code == 200
    return response.content.decode()


def test_the_live_count_switches_from_gsm7_to_ucs2_and_points_at_the_character(world):
    client = login(world.agent_a)
    page = count_of(client, "Your order has shipped")
    assert shown(page, "segment-encoding") == "GSM-7"
    assert (shown(page, "segment-segments"), shown(page, "segment-remaining")) == ("1", "138")
    page = count_of(client, "It’s shipped")
    assert shown(page, "segment-encoding") == "UCS-2"
    assert shown(page, "segment-remaining") == "58"
    assert '<code class="fs-6">’</code> at character 3 (U+2019): type <code>&#x27;</code>' in page
    assert 'It<mark class="bg-danger-subtle border border-danger">’</mark>s shipped' in page
    assert shown(count_of(client, "a" * 161), "segment-segments") == "2"
    assert "at most 2000" in count_of(client, "a" * 2001)


def test_a_refused_send_shows_the_reason_by_the_field_and_keeps_the_input(world, sending):
    client = login(world.admin_a)
    response = client.post(
        "/t/acme/compose/",
        {"sender_id": sending.name.pk, "recipient": "(646) 809-7065", "text": "Hi there"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "US and Canadian carriers accept only numbers as senders" in page
    assert 'value="(646) 809-7065"' in page and "Hi there</textarea>" in page
    with scopes_disabled():
        assert not Message.objects.exists()


def test_a_send_goes_to_the_log_with_the_count_the_page_showed(world, sending):
    client = login(world.admin_a)
    text = "Café at 5? 🙂"
    page = count_of(client, text)
    response = client.post(
        "/t/acme/compose/",
        {"sender_id": sending.number.pk, "recipient": "(646) 809-7065", "text": text},
    )
    with scopes_disabled():
        message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/acme/messages/{message.pk}/"
    assert str(message.segments) == shown(page, "segment-segments")
    assert message.encoding == shown(page, "segment-encoding") == "UCS-2"
    detail = client.get(response["Location"]).content.decode()
    assert "Your 1-segment UCS-2 SMS to +16468097065 is queued" in detail


def test_an_agent_sends_and_comes_back_to_compose(world, sending):
    client = login(world.agent_a)
    page = client.get("/t/acme/compose/").content.decode()
    assert f'<option value="{sending.number.pk}">+12125550100</option>' in page
    assert "13125550150" not in page, "another tenant's sender ID is not offered"
    response = client.post(
        "/t/acme/compose/",
        {"sender_id": sending.number.pk, "recipient": "+16468097065", "text": "Hi"},
    )
    assert response["Location"] == "/t/acme/compose/"
    assert client.get("/t/acme/messages/").status_code == 403, "the log is the admins'"


def test_a_foreign_sender_id_is_refused_in_plain_words(world, sending):
    client = login(world.admin_a)
    response = client.post(
        "/t/acme/compose/",
        {"sender_id": sending.globex.pk, "recipient": "+16468097065", "text": "Hi"},
    )
    assert f"There is no sender ID “{sending.globex.pk}” in Acme Telecom" in (
        response.content.decode()
    )


def test_an_mms_with_an_uploaded_file(world, sending, mms_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.admin_a)
    png = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    response = client.post(
        "/t/acme/compose/",
        {"sender_id": sending.number.pk, "recipient": "+16468097065", "text": "", "files": [png]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        message = Message.objects.get()
    assert message.is_mms and message.media[0].startswith("https://portal.example/hooks/mms/")
    txt = SimpleUploadedFile("notes.txt", b"hello")
    response = client.post(
        "/t/acme/compose/",
        {"sender_id": sending.number.pk, "recipient": "+16468097065", "files": [txt]},
    )
    assert "“notes.txt” is not a JPEG, PNG" in response.content.decode()


def test_another_tenants_compose_is_not_reachable(world):
    assert login(world.admin_b).get("/t/acme/compose/").status_code == 404
    assert login(world.admin_b).post("/t/acme/compose/segments/", {"text": "x"}).status_code == (
        404
    )


def test_the_tenant_form_sets_the_default_country(world):
    client = login(world.sysadmin)
    data = {"name": "Acme Telecom", "slug": "acme", "contact_email": "", "notes": ""}
    response = client.post("/platform/tenants/acme/edit/", {**data, "default_country": "GB"})
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.default_country == "GB"
    response = client.post("/platform/tenants/acme/edit/", {**data, "default_country": "XX"})
    assert "Select a valid choice. XX is not one of the available choices." in (
        response.content.decode()
    )


def test_a_huge_upload_is_refused_before_it_is_read(world, sending):
    client = login(world.admin_a)
    response = client.generic(
        "POST",
        "/t/acme/compose/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(40 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "are 40.0 MB together; an MMS carries at most 5 files of 5 MB" in (
        response.content.decode()
    )


def test_a_tenant_without_sender_ids_is_told_why_it_cannot_send(world):
    page = login(world.agent_a).get("/t/acme/compose/").content.decode()
    assert "Acme Telecom has no sender IDs yet" in page and "Ask a tenant admin." in page
