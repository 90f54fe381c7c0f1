"""Tenant admins land in their tenant and manage its agents; agents see but do not manage;
a user in several tenants switches between them."""

import pytest
from django_scopes import scopes_disabled

from tenants import services
from tenants.models import Invitation, Membership, User

from ..conftest import login
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_tenant_admin_lands_in_their_tenant_after_login(world):
    from django.test import Client

    client = Client()
    response = client.post(
        "/login/", {"username": world.admin_a.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/t/{world.a.slug}/"
    assert "Acme Telecom" in response.content.decode()


def test_system_administrator_lands_on_the_platform(world):
    response = login(world.sysadmin).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/platform/"


def test_tenant_admin_sees_own_users_only(world):
    page = login(world.admin_a).get(f"/t/{world.a.slug}/users/").content.decode()
    assert world.agent_a.email in page and world.admin_a.email in page
    assert world.agent_b.email not in page


def test_tenant_admin_invites_an_agent_and_sees_errors_inline(world):
    client = login(world.admin_a)
    url = f"/t/{world.a.slug}/users/new/"
    page = client.post(url, {"email": "not an address", "role": "agent"})
    assert page.status_code == 200 and "Enter a valid email address." in page.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.exists()

    response = client.post(url, {"email": "fresh@acme.example", "role": "agent"})
    assert response.status_code == 302
    assert "fresh@acme.example" in client.get(response["Location"]).content.decode()

    # The role field offers no admin choice to a tenant admin, and a forged one is refused.
    client.post(url, {"email": "boss@acme.example", "role": "admin"})
    with scopes_disabled():
        assert not Invitation.objects.filter(email="boss@acme.example").exists()
    assert not User.objects.filter(email="fresh@acme.example").exists()


def test_tenant_admin_removes_an_agent(world):
    client = login(world.admin_a)
    with scopes_disabled():
        membership = Membership.objects.get(user=world.agent_a)
    client.post(f"/t/{world.a.slug}/users/{membership.pk}/remove/")
    with scopes_disabled():
        assert not Membership.objects.filter(pk=membership.pk).exists()
    assert login(world.agent_a).get(f"/t/{world.a.slug}/").status_code == 404


def test_agent_sees_users_but_cannot_manage_them(world):
    client = login(world.agent_a)
    page = client.get(f"/t/{world.a.slug}/users/").content.decode()
    assert world.admin_a.email in page and "Add user" not in page
    assert client.get(f"/t/{world.a.slug}/users/new/").status_code == 403
    assert client.get(f"/t/{world.a.slug}/audit/").status_code == 403
    assert client.get(f"/t/{world.a.slug}/tokens/").status_code == 403


def test_user_in_two_tenants_switches_between_them(world):
    services.membership_set(tenant=world.b, user=world.admin_a, role="agent")
    client = login(world.admin_a)
    page = client.get(f"/t/{world.a.slug}/").content.decode()
    assert 'data-testid="tenant-switcher"' in page and f'href="/t/{world.b.slug}/"' in page
    assert client.get(f"/t/{world.b.slug}/").status_code == 200
    # The last tenant used is where the next visit lands.
    assert client.get("/", follow=True).redirect_chain[-1][0] == f"/t/{world.b.slug}/"
    # As an agent of Globex, this user has no admin pages there.
    assert client.get(f"/t/{world.b.slug}/audit/").status_code == 403
