"""Contacts and canned replies (part C): a number typed in any form is one contact, import
errors name the line and the field and save nothing, the export neutralises formulas, canned
replies show their segment count and only tenant admins manage them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import CannedReply, Contact
from tests.conftest import login


def url(name, *args):
    return reverse(f"tenant:{name}", args=["acme", *args])


def contacts(world):
    with scopes_disabled():
        return {c.number: c.name for c in Contact.objects.filter(tenant=world.a)}


def test_a_contact_typed_in_the_national_form_is_stored_in_e164(world):
    client = login(world.agent_a)
    response = client.post(url("contact_add"), {"number": "(646) 809-7065", "name": "Dana Reed"})
    assert response.status_code == 302
    assert contacts(world) == {"16468097065": "Dana Reed"}
    again = client.post(url("contact_add"), {"number": "+1 646 809 7065", "name": "Other"})
    assert "is already the contact “Dana Reed”" in again.content.decode()
    bad = client.post(url("contact_add"), {"number": "12", "name": "X"})
    assert "“12” is not a phone number" in bad.content.decode()


def test_import_checks_first_then_saves_everything_or_nothing(world):
    client = login(world.admin_a)
    good = "number,name,company\n+1 646 809 7065,Dana Reed,Initech\n(646) 809-7066,Sam Lee,\n"
    bad = good + "12,Nobody,\n+1 646 809 7067,,\n"
    report = client.post(
        url("contact_import"), {"file": SimpleUploadedFile("c.csv", bad.encode())}
    ).content.decode()
    assert "Line 4, number: “12” is not a phone number" in report
    assert "Line 5, name: Give the contact a name." in report
    assert contacts(world) == {}
    checked = client.post(
        url("contact_import"), {"file": SimpleUploadedFile("c.csv", good.encode())}
    )
    assert contacts(world) == {} and checked.context["can_apply"]
    client.post(url("contact_import"), {"data": good, "apply": "1"})
    assert contacts(world) == {"16468097065": "Dana Reed", "16468097066": "Sam Lee"}


def test_import_refuses_a_file_too_large_or_not_utf8(world):
    client = login(world.admin_a)
    huge = client.post(
        url("contact_import"), {"file": SimpleUploadedFile("c.csv", b"1" * 1_000_001)}
    ).content.decode()
    assert "at most 1,000,000" in huge
    latin = client.post(
        url("contact_import"), {"file": SimpleUploadedFile("c.csv", "Jos\xe9".encode("latin-1"))}
    ).content.decode()
    assert "not UTF-8" in latin
    assert login(world.agent_a).get(url("contact_import")).status_code == 403


def test_the_export_neutralises_formula_cells(world):
    with scopes_disabled():
        Contact.objects.create(tenant=world.a, number="16468097065", name="=HYPERLINK(1)")
    body = b"".join(login(world.agent_a).get(url("contact_export")).streaming_content).decode()
    assert body.splitlines()[0] == "number,name,company,notes"
    assert "'=HYPERLINK(1)" in body and "+16468097065" in body


def test_canned_replies_show_their_segments_and_only_admins_manage_them(world):
    admin = login(world.admin_a)
    response = admin.post(url("canned_add"), {"title": "Thanks", "text": "Thanks, we’re on it."})
    assert response.status_code == 302
    page = admin.get(url("canned_list")).content.decode()
    assert "1 (UCS-2)" in page
    duplicate = admin.post(url("canned_add"), {"title": "thanks", "text": "Again"})
    assert "There is already a canned reply “thanks”" in duplicate.content.decode()
    agent = login(world.agent_a)
    assert agent.get(url("canned_list")).status_code == 200
    assert agent.get(url("canned_add")).status_code == 403
    with scopes_disabled():
        reply = CannedReply.objects.get(tenant=world.a)
    assert agent.post(url("canned_delete", reply.pk)).status_code == 403
    admin.post(url("canned_delete", reply.pk))
    with scopes_disabled():
        assert not CannedReply.objects.exists()
