"""System administrators manage tenants and users in the browser."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from tenants.models import Membership, Tenant, User

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_only_system_administrators_reach_the_platform(world):
    for user in (world.admin_a, world.agent_a, world.support):
        assert login(user).get("/platform/tenants/").status_code == 403
    assert login(world.sysadmin).get("/platform/tenants/").status_code == 200
    anonymous = Client().get("/platform/tenants/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_create_tenant_then_errors_are_inline_and_nothing_is_saved(world):
    client = login(world.sysadmin)
    response = client.post(
        "/platform/tenants/new/", {"name": "Initech", "slug": "initech", "contact_email": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/platform/tenants/initech/"
    assert Tenant.objects.filter(slug="initech", status="active").exists()

    page = client.post("/platform/tenants/new/", {"name": "Initech", "slug": "Init Tech"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tenant with this Name already exists." in html and "is-invalid" in html
    assert Tenant.objects.count() == 3


def test_suspend_needs_a_reason_and_refuses_members_until_reactivated(world):
    client = login(world.sysadmin)
    client.post(f"/platform/tenants/{world.a.slug}/suspend/", {"reason": ""})
    world.a.refresh_from_db()
    assert world.a.status == "active"

    client.post(f"/platform/tenants/{world.a.slug}/suspend/", {"reason": "Unpaid invoice 42"})
    world.a.refresh_from_db()
    assert world.a.status == "suspended"
    refused = login(world.admin_a).get(f"/t/{world.a.slug}/users/")
    assert refused.status_code == 403 and "suspended" in refused.content.decode()
    listing = client.get("/platform/tenants/?status=suspended").content.decode()
    assert "Acme Telecom" in listing and "Globex" not in listing

    client.post(f"/platform/tenants/{world.a.slug}/reactivate/")
    assert login(world.admin_a).get(f"/t/{world.a.slug}/users/").status_code == 200


def test_create_user_and_make_them_admin_of_a_tenant_and_agent_of_another(world):
    client = login(world.sysadmin)
    response = client.post(
        "/platform/users/new/",
        {"email": "New.Person@Example.com", "full_name": "New Person", "password": "pw"},
    )
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.com").exists()

    response = client.post(
        "/platform/users/new/",
        {
            "email": "New.Person@Example.com",
            "full_name": "New Person",
            "password": "a-good-long-password",
        },
    )
    user = User.objects.get(email="new.person@example.com")
    assert response["Location"] == f"/platform/users/{user.pk}/"
    client.post(f"/platform/users/{user.pk}/memberships/", {"tenant": world.a.pk, "role": "admin"})
    client.post(f"/platform/users/{user.pk}/memberships/", {"tenant": world.b.pk, "role": "agent"})
    with scopes_disabled():
        roles = dict(Membership.objects.filter(user=user).values_list("tenant__slug", "role"))
    assert roles == {"acme": "admin", "globex": "agent"}
    assert user.check_password("a-good-long-password")


def test_support_flag_puts_user_in_support_group(world):
    client = login(world.sysadmin)
    client.post(
        "/platform/users/new/",
        {"email": "desk@portal.example", "password": "a-good-long-password", "is_support": "on"},
    )
    user = User.objects.get(email="desk@portal.example")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Support"]


def test_a_system_administrator_cannot_lock_themselves_out(world):
    client = login(world.sysadmin)
    page = client.post(
        f"/platform/users/{world.sysadmin.pk}/",
        {"email": world.sysadmin.email, "is_active": "", "is_system_admin": "on"},
    )
    assert "You cannot deactivate yourself." in page.content.decode()
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.is_active


def test_last_tenant_admin_cannot_be_removed(world):
    client = login(world.sysadmin)
    with scopes_disabled():
        membership = Membership.objects.get(user=world.admin_a, tenant=world.a)
    response = client.post(f"/platform/memberships/{membership.pk}/remove/", follow=True)
    assert "last tenant admin" in response.content.decode()
    with scopes_disabled():
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_slug_rule_reads_the_same_in_its_help_and_its_error(world):
    from tenants.models import SLUG_RULE

    client = login(world.sysadmin)
    form = client.get("/platform/tenants/new/").content.decode()
    assert "Used in addresses: /t/&lt;slug&gt;/. 1 to 50 lowercase letters" in form
    page = client.post("/platform/tenants/new/", {"name": "Initech", "slug": "Init_Tech"})
    html = page.content.decode()
    assert f"“Init_Tech” is not a valid slug: use {SLUG_RULE}." in html
    assert "underscores" not in html
    assert html.count(SLUG_RULE) == 2  # the error and the help, word for word
    assert not Tenant.objects.filter(name="Initech").exists()
