"""Tenant admins invite people by e-mail. A new person sets a password through the mailed link;
an existing account accepts a membership. The admin's answer, in the portal and the API, is
the same either way, so nobody learns which addresses have accounts. Mails go through a real
SMTP server (tests/tenants/conftest.py)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from tenants.models import Invitation, Membership, User
from tenants.services import invitations

from ..conftest import api_client, login
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(eager_celery, django_capture_on_commit_callbacks):
    """Runs a request (or a call) and the mail task it enqueues, as the worker would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def _invite(send, client, email, role="agent"):
    response = send(client.post, "/t/acme/users/new/", {"email": email, "role": role})
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    return response, notes


def _membership(user, tenant):
    with scopes_disabled():
        return Membership.objects.filter(user=user, tenant=tenant).first()


def test_a_new_person_gets_a_link_to_set_a_password_and_joins(world, smtp_server, send):
    admin = login(world.admin_a)
    response, notes = _invite(send, admin, "New.Person@Example.org")
    assert response.status_code == 302 and response["Location"] == "/t/acme/users/invitations/"
    assert notes == [
        "Invitation sent to new.person@example.org. They join as Agent once they accept it."
    ]

    [mail] = smtp_server.to("new.person@example.org")
    assert mail["Subject"] == "You are invited to Acme Telecom on the telecom portal"
    assert "Choose your password" in smtp_server.body(mail)
    link = smtp_server.link(mail)

    person = Client()
    form = person.get(link)
    assert form.status_code == 200 and "Create my account and join" in form.content.decode()
    refused = person.post(link, {"password": "short", "password_again": "short"})
    assert refused.status_code == 400 and "too short" in refused.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()

    joined = person.post(
        link,
        {"full_name": "New Person", "password": PASSWORD, "password_again": PASSWORD},
        follow=True,
    )
    assert joined.redirect_chain[-1][0] == "/t/acme/"
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "New Person" and user.check_password(PASSWORD)
    assert _membership(user, world.a).role == "agent"
    # The link is spent, and the admin's list says so.
    assert Client().get(link).status_code == 410
    listing = admin.get("/t/acme/users/invitations/?state=accepted").content.decode()
    assert "new.person@example.org" in listing and "Accepted" in listing


def test_an_existing_account_gets_a_membership_to_accept_after_logging_in(world, smtp_server, send):
    _, notes = _invite(send, login(world.admin_a), world.admin_b.email)
    assert notes == [
        f"Invitation sent to {world.admin_b.email}. They join as Agent once they accept it."
    ]
    [mail] = smtp_server.to(world.admin_b.email)
    assert "You already have an account" in smtp_server.body(mail)
    link = smtp_server.link(mail)

    anonymous = Client().get(link).content.decode()
    assert "Log in to accept" in anonymous and 'name="password"' not in anonymous

    person = Client()
    landed = person.post(
        "/login/", {"username": world.admin_b.email, "password": PASSWORD}, follow=True
    )
    # After logging in, the pending invitation is the first thing shown.
    assert landed.redirect_chain[-1][0] == "/invitations/"
    assert "Acme Telecom" in landed.content.decode()
    assert _membership(world.admin_b, world.a) is None

    accepted = person.post(link, {"answer": "accept"}, follow=True)
    assert accepted.redirect_chain[-1][0] == "/t/acme/"
    assert _membership(world.admin_b, world.a).role == "agent"
    assert _membership(world.admin_b, world.b).role == "admin"  # untouched


def test_the_admin_is_answered_the_same_whether_an_account_exists(world, smtp_server, send):
    admin = login(world.admin_a)
    existing, existing_notes = _invite(send, login(world.admin_a), world.admin_b.email)
    new, new_notes = _invite(send, login(world.admin_a), "nobody-yet@globex.example")
    assert existing.status_code == new.status_code == 302
    assert existing["Location"] == new["Location"]
    assert [n.replace(world.admin_b.email, "X") for n in existing_notes] == [
        n.replace("nobody-yet@globex.example", "X") for n in new_notes
    ]
    page = admin.get("/t/acme/users/invitations/").content.decode()
    assert "already has an account" not in page
    assert page.count('invitation-state">Pending<') == 2

    api = api_client(world.admin_a, world.a)
    answers = [
        send(api.post, "/api/v1/tenants/acme/invitations/", {"email": email})
        for email in (world.agent_b.email, "nobody-either@globex.example")
    ]
    assert [a.status_code for a in answers] == [201, 201]
    first, second = (a.json() for a in answers)
    varying = {"id", "email", "created_at", "expires_at", "sent_at"}
    assert first.keys() == second.keys()
    assert {k: v for k, v in first.items() if k not in varying} == {
        k: v for k, v in second.items() if k not in varying
    }
    assert first["state"] == "pending" and first["mail_status"] == "queued"
    detail = api.get(f"/api/v1/tenants/acme/invitations/{first['id']}/").json()
    assert detail["mail_status"] == "sent"
    assert len(smtp_server.to(world.agent_b.email)) == 1
    assert len(smtp_server.to("nobody-either@globex.example")) == 1


def test_invitations_expire_and_resending_gives_a_new_link(world, smtp_server, send):
    admin = login(world.admin_a)
    _invite(send, admin, "late@example.org")
    old_link = smtp_server.link(smtp_server.to("late@example.org")[0])
    with scopes_disabled():
        invitation = Invitation.objects.get(email="late@example.org")
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    expired = Client().get(old_link)
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert (
        'invitation-state">Expired<'
        in admin.get("/t/acme/users/invitations/?state=expired").content.decode()
    )

    send(admin.post, f"/t/acme/users/invitations/{invitation.pk}/resend/")
    first, second = smtp_server.to("late@example.org")
    new_link = smtp_server.link(second)
    assert new_link != old_link
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link).status_code == 200
    assert 'invitation-state">Pending<' in admin.get("/t/acme/users/invitations/").content.decode()


def test_a_revoked_invitation_link_stops_working(world, smtp_server, send):
    admin = login(world.admin_a)
    _invite(send, admin, "changed-mind@example.org")
    link = smtp_server.link(smtp_server.to("changed-mind@example.org")[0])
    with scopes_disabled():
        invitation = Invitation.objects.get(email="changed-mind@example.org")
    admin.post(f"/t/acme/users/invitations/{invitation.pk}/revoke/")
    refused = Client().get(link)
    assert refused.status_code == 410 and "revoked" in refused.content.decode()
    assert (
        Client().post(link, {"password": PASSWORD, "password_again": PASSWORD}).status_code == 410
    )
    assert not User.objects.filter(email="changed-mind@example.org").exists()
    assert 'invitation-state">Revoked<' in admin.get("/t/acme/users/invitations/").content.decode()


def test_a_declined_invitation_leaves_the_person_out(world, smtp_server, send):
    _invite(send, login(world.admin_a), world.agent_b.email)
    person = login(world.agent_b)
    [pending] = invitations.pending_invitations_for(world.agent_b)
    person.post(f"/invitations/{pending.pk}/decline/")
    assert _membership(world.agent_b, world.a) is None
    assert invitations.pending_invitations_for(world.agent_b) == []
    # Nobody else can answer someone's invitation.
    _invite(send, login(world.admin_a), "someone@example.org")
    with scopes_disabled():
        other = Invitation.objects.get(email="someone@example.org")
    assert person.post(f"/invitations/{other.pk}/accept/").status_code == 404


def test_the_link_of_someone_elses_invitation_is_refused_to_a_logged_in_user(
    world, smtp_server, send
):
    _invite(send, login(world.admin_a), world.admin_b.email)
    link = smtp_server.link(smtp_server.to(world.admin_b.email)[0])
    intruder = login(world.agent_b)
    page = intruder.get(link)
    assert page.status_code == 403 and "This invitation is for" in page.content.decode()
    assert intruder.post(link, {"answer": "accept"}).status_code == 403
    assert _membership(world.agent_b, world.a) is None


def test_tenant_admins_invite_agents_only_and_agents_do_not_invite(world, smtp_server, send):
    response, _ = _invite(send, login(world.admin_a), "boss@example.org", role="admin")
    assert response.status_code == 200 and "is not one of the available choices" in (
        response.content.decode()
    )
    assert login(world.agent_a).get("/t/acme/users/new/").status_code == 403
    assert smtp_server.messages == []


def test_the_membership_api_no_longer_tells_a_tenant_admin_who_has_an_account(world):
    api = api_client(world.admin_a, world.a)
    for email in (world.admin_b.email, "fresh@example.org"):
        response = api.post("/api/v1/tenants/acme/members/", {"email": email, "password": PASSWORD})
        assert response.status_code == 403
        assert "invitation" in response.json()["detail"]
        assert "already has an account" not in response.content.decode()
    assert not User.objects.filter(email="fresh@example.org").exists()


def test_a_mail_that_cannot_be_sent_is_shown_and_can_be_resent(world, smtp_server, send, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    admin = login(world.admin_a)
    _invite(send, admin, "unlucky@example.org")
    page = admin.get("/t/acme/users/invitations/").content.decode()
    assert "Mail not sent; resend it" in page and "ConnectionRefusedError" not in page
    settings.EMAIL_PORT = port
    with scopes_disabled():
        invitation = Invitation.objects.get(email="unlucky@example.org")
    send(admin.post, f"/t/acme/users/invitations/{invitation.pk}/resend/")
    assert len(smtp_server.to("unlucky@example.org")) == 1


def test_the_mail_task_never_sends_twice(world, smtp_server, send):
    _invite(send, login(world.admin_a), "once@example.org")
    with scopes_disabled():
        invitation = Invitation.objects.get(email="once@example.org")
    assert invitations.invitation_deliver(invitation_id=invitation.pk) == "sent"
    assert len(smtp_server.to("once@example.org")) == 1


def test_make_run_writes_mails_to_files_in_var_mail(tmp_path):
    """The zero-setup configuration (DEBUG on, no EMAIL_URL) writes each mail to a file in
    var/mail/, where bin/run's banner says to read them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "EMAIL_URL"}}
    env.update(DEBUG="true", PORTAL_VAR_DIR=str(tmp_path), DATABASE_URL="sqlite://:memory:")
    code = "from django.core.mail import send_mail; send_mail('Hi', 'Body', None, ['a@b.example'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    [mail] = (tmp_path / "mail").iterdir()
    assert "Subject: Hi" in mail.read_text()
