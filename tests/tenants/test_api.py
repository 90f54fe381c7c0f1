"""The REST API: tokens shown once and stored hashed, scoped to a tenant or platform-wide,
restricted by address and expiry; the schema and docs served without the internet."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from tenants import services
from tenants.models import ApiToken, hash_token

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db


def test_token_created_in_the_ui_is_shown_once_and_stored_hashed(world):
    client = login(world.admin_a)
    page = client.post(f"/t/{world.a.slug}/tokens/", {"name": "CRM sync"}).content.decode()
    assert "Copy it now" in page
    raw = page.split('id="new-token-value" value="')[1].split('"')[0]
    assert raw.startswith("pt_") and len(raw) > 40
    with scopes_disabled():
        token = ApiToken.objects.get(name="CRM sync")
    assert token.key_hash == hash_token(raw) and raw not in str(token.__dict__)
    assert token.tenant == world.a and token.expires_at is not None
    listing = client.get(f"/t/{world.a.slug}/tokens/").content.decode()
    assert "CRM sync" in listing and raw not in listing and token.prefix in listing

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    me = api.get("/api/v1/me/").json()
    assert me["email"] == world.admin_a.email and me["token"]["tenant"] == world.a.slug
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"


def test_bad_tokens_are_refused_with_a_reason(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer pt_not-a-real-token-at-all-0123456789")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401 and "Invalid" in response.json()["detail"]
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


def test_expired_and_revoked_tokens_stop_working(world):
    client = api_client(world.admin_a, world.a)
    with scopes_disabled():
        token = ApiToken.objects.get(key_hash=hash_token(client.raw_token))
    ApiToken._base_manager.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]

    client = api_client(world.admin_a, world.a)
    with scopes_disabled():
        token = ApiToken.objects.get(key_hash=hash_token(client.raw_token))
    services.api_token_revoke(token=token)
    assert client.get("/api/v1/me/").status_code == 401


def test_ip_restriction(world):
    allowed = api_client(world.admin_a, world.a, allowed_ips=["127.0.0.0/8"])
    assert allowed.get(f"/api/v1/tenants/{world.a.slug}/members/").status_code == 200
    denied = api_client(world.admin_a, world.a, allowed_ips=["203.0.113.0/24"])
    response = denied.get(f"/api/v1/tenants/{world.a.slug}/members/")
    assert response.status_code == 401 and "203.0.113.0/24" in response.json()["detail"]


def test_bad_allowed_ip_is_refused_naming_the_value(world):
    page = login(world.admin_a).post(
        f"/t/{world.a.slug}/tokens/", {"name": "x", "allowed_ips": "10.0.0.1\nnot-an-ip"}
    )
    assert page.status_code == 400
    assert "“not-an-ip” is not an IP address" in page.content.decode()
    with scopes_disabled():
        assert not ApiToken.objects.filter(name="x").exists()


def test_platform_tokens_are_for_system_administrators_only(world):
    platform = api_client(world.sysadmin, None)
    names = [t["slug"] for t in platform.get("/api/v1/tenants/").json()["results"]]
    assert set(names) == {world.a.slug, world.b.slug}
    with pytest.raises(ValidationError):
        services.api_token_create(user=world.admin_a, tenant=None, name="nope")
    tenant_token = api_client(world.admin_a, world.a)
    assert tenant_token.get("/api/v1/tenants/").status_code == 403
    # Even a system administrator's tenant token is not platform-wide.
    sys_tenant = api_client(world.sysadmin, world.a)
    assert sys_tenant.get("/api/v1/users/").status_code == 403


def test_agents_read_members_but_cannot_change_them(world):
    agent = api_client(world.agent_a, world.a)
    members = agent.get(f"/api/v1/tenants/{world.a.slug}/members/").json()["results"]
    assert {m["user"]["email"] for m in members} == {world.admin_a.email, world.agent_a.email}
    response = agent.post(
        f"/api/v1/tenants/{world.a.slug}/members/",
        {"email": "x@acme.example", "password": "long-enough-pass"},
        format="json",
    )
    assert response.status_code == 403


def test_tenant_admin_cannot_create_another_admin_or_take_over_an_existing_account(world):
    admin = api_client(world.admin_a, world.a)
    url = f"/api/v1/tenants/{world.a.slug}/members/"
    promote = admin.post(
        url,
        {"email": "boss@acme.example", "password": "long-enough-pass", "role": "admin"},
        format="json",
    )
    assert promote.status_code == 403
    takeover = admin.post(
        url, {"email": world.agent_b.email, "password": "long-enough-pass"}, format="json"
    )
    # People are added by invitation, which never says whether an address has an account.
    assert takeover.status_code == 403
    assert "invitation" in takeover.json()["detail"]
    assert "already has an account" not in takeover.content.decode()


def test_validation_errors_name_the_field_and_rule(world):
    platform = api_client(world.sysadmin, None)
    response = platform.post("/api/v1/tenants/", {"name": "X", "slug": "Bad Slug!"}, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["errors"]
    response = platform.post("/api/v1/tenants/", {"name": "Y", "slug": "admin"}, format="json")
    assert "reserved" in str(response.json()["errors"]["slug"])
    response = platform.post(
        "/api/v1/tenants/", {"name": world.a.name, "slug": "fresh"}, format="json"
    )
    assert "already exists" in str(response.json()["errors"]["name"])


def test_suspending_a_tenant_cuts_its_tokens_and_users(world):
    api = api_client(world.admin_a, world.a)
    platform = api_client(world.sysadmin, None)
    response = platform.post(f"/api/v1/tenants/{world.a.slug}/suspend/", {"reason": "unpaid"})
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert api.get(f"/api/v1/tenants/{world.a.slug}/members/").status_code == 403
    page = login(world.admin_a).get(f"/t/{world.a.slug}/")
    assert page.status_code == 403 and "suspended" in page.content.decode()
    platform.post(f"/api/v1/tenants/{world.a.slug}/reactivate/")
    assert api.get(f"/api/v1/tenants/{world.a.slug}/members/").status_code == 200


def test_schema_and_docs_are_served_offline(world):
    client = login(world.admin_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/tenants/{tenant_slug}/members/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs.split("<body")[1]
