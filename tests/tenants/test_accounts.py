"""Accounts: logging in (one e-mail whatever its case, one lockout), where a user lands, what a
suspended tenant's users read, who may rename whom, and the bound on passwords."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django_scopes import scopes_disabled

from tenants import services
from tenants.models import Membership, User

from ..conftest import api_client, login
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db

LONG = "x" * 129


def _log_in(client, email, password=PASSWORD):
    return client.post("/login/", {"username": email, "password": password}, follow=True)


# Where a user lands -----------------------------------------------------------------------


def test_last_tenant_used_is_where_the_user_lands_after_logging_out_and_in(world):
    services.membership_set(tenant=world.b, user=world.admin_a, role="agent")
    client = Client()
    assert _log_in(client, world.admin_a.email).redirect_chain[-1][0] == "/t/acme/"
    assert client.get("/t/globex/").status_code == 200
    client.post("/logout/")

    # Another browser, another session: the choice is the user's, not the session's.
    again = _log_in(Client(), world.admin_a.email)
    assert again.redirect_chain[-1][0] == "/t/globex/"


# Suspension ----------------------------------------------------------------------------------


def test_suspended_tenants_users_read_the_reason_on_landing_and_on_its_pages(world):
    services.tenant_suspend(tenant=world.a, reason="Invoice 42 is 60 days overdue")
    landing = _log_in(Client(), world.agent_a.email)
    page = landing.content.decode()
    assert landing.status_code == 403
    assert "You are not a member of any active tenant" in page
    assert "Acme Telecom" in page and "Invoice 42 is 60 days overdue" in page

    refused = login(world.agent_a).get("/t/acme/")
    assert refused.status_code == 403
    assert "Invoice 42 is 60 days overdue" in refused.content.decode()


def test_suspension_reason_reaches_api_clients_of_the_tenant(world):
    client = api_client(world.admin_a, world.a)
    services.tenant_suspend(tenant=world.a, reason="Invoice 42 is 60 days overdue")
    response = client.get("/api/v1/tenants/acme/members/")
    assert response.status_code == 403
    assert "Invoice 42 is 60 days overdue" in response.json()["detail"]


# Logging in: e-mail case and the lockout -------------------------------------------------


def test_changing_the_emails_case_neither_bypasses_nor_clears_the_lockout(world, settings):
    client = Client(REMOTE_ADDR="198.51.100.20")
    email = world.admin_a.email
    variants = [email, email.upper(), email.title(), email.swapcase(), " " + email.upper()]
    for variant in variants[: settings.AXES_FAILURE_LIMIT]:
        assert client.post("/login/", {"username": variant, "password": "wrong"}).status_code in (
            200,
            429,
        )
    for variant in variants:
        locked = client.post("/login/", {"username": variant, "password": PASSWORD})
        assert locked.status_code == 429, variant
        assert "Too many failed logins" in locked.content.decode()


def test_the_email_in_any_case_logs_in_to_the_one_account(world):
    response = _log_in(Client(), "  ADMIN@Acme.Example ")
    assert response.redirect_chain[-1][0] == "/t/acme/"


def test_accounts_that_differ_only_in_case_are_refused(world):
    page = login(world.sysadmin).post(
        "/platform/users/new/",
        {"email": "Admin@ACME.example", "password": "a-good-long-password"},
    )
    assert "already has an account" in page.content.decode()
    # The database refuses it too, whatever path a write takes.
    other = User.objects.create_user("someone@acme.example", "x-long-password-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="ADMIN@acme.example")


# Who may rename whom -------------------------------------------------------------------------


def test_tenant_admin_changes_a_members_role_but_not_their_name(world):
    with scopes_disabled():
        membership = Membership.objects.get(user=world.agent_a)
    name = world.agent_a.full_name
    client = login(world.admin_a)
    form = client.get(f"/t/acme/users/{membership.pk}/edit/").content.decode()
    assert 'name="full_name"' not in form
    client.post(f"/t/acme/users/{membership.pk}/edit/", {"full_name": "Renamed", "role": "agent"})
    world.agent_a.refresh_from_db()
    assert world.agent_a.full_name == name


def test_everyone_changes_their_own_name_and_password_on_my_profile(world):
    client = login(world.agent_a)
    page = client.get("/account/").content.decode()
    assert "My profile" in page and 'name="full_name"' in page
    client.post("/account/", {"form": "profile", "full_name": "Agent Smith"})
    world.agent_a.refresh_from_db()
    assert world.agent_a.full_name == "Agent Smith"
    response = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password",
            "new_password2": "a-brand-new-password",
        },
    )
    assert response.status_code == 302
    world.agent_a.refresh_from_db()
    assert world.agent_a.check_password("a-brand-new-password")
    assert world.agent_a.full_name == "Agent Smith"


# Password length -------------------------------------------------------------------------------


def test_a_password_over_128_characters_is_refused_at_login_with_a_clear_message(world):
    response = Client().post("/login/", {"username": world.admin_a.email, "password": LONG})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Passwords are at most 128 characters; this one has 129." in page


def test_a_password_over_128_characters_is_refused_wherever_one_is_set(world):
    message = "Passwords are at most 128 characters"
    huge = "p" * 1_000_000
    sysadmin = login(world.sysadmin)
    created = sysadmin.post("/platform/users/new/", {"email": "big@x.example", "password": huge})
    assert message in created.content.decode()
    assert not User.objects.filter(email="big@x.example").exists()
    edited = sysadmin.post(
        f"/platform/users/{world.agent_a.pk}/",
        {"email": world.agent_a.email, "is_active": "on", "password": LONG},
    )
    assert message in edited.content.decode()

    own = login(world.agent_a).post(
        "/account/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": LONG,
            "new_password2": LONG,
        },
    )
    assert own.status_code == 400 and message in own.content.decode()
    world.agent_a.refresh_from_db()
    assert world.agent_a.check_password(PASSWORD)

    api = api_client(world.sysadmin)
    response = api.post("/api/v1/users/", {"email": "api@x.example", "password": huge})
    assert response.status_code == 400 and message in str(response.json())
    with pytest.raises(Exception, match=message):
        services.user_create(email="svc@x.example", password=LONG)
