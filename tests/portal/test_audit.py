"""The audit log records every change, whoever and whatever made it, with secrets masked."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope, scopes_disabled

from portal.audit import MASK
from portal.models import AuditEntry
from tenants import services
from tenants.models import Membership, Tenant, User

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db


def entries_for(model, object_id=None):
    with scopes_disabled():
        qs = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        if object_id is not None:
            qs = qs.filter(object_id=str(object_id))
        return list(qs.order_by("id"))


def test_ui_change_records_user_source_and_before_after(world):
    client = login(world.sysadmin)
    response = client.post(
        f"/platform/tenants/{world.a.slug}/edit/",
        {"name": "Acme Telecom Ltd", "slug": world.a.slug, "contact_email": "x@acme.example"},
    )
    assert response.status_code == 302
    entry = entries_for(Tenant, world.a.pk)[-1]
    assert entry.action == "update" and entry.source == "ui"
    assert entry.actor == world.sysadmin and entry.actor_label == world.sysadmin.email
    assert entry.changes["name"] == ["Acme Telecom", "Acme Telecom Ltd"]
    assert entry.before["name"] == "Acme Telecom" and entry.after["name"] == "Acme Telecom Ltd"
    assert entry.tenant_id == world.a.pk
    assert len(entry.request_id) >= 16


def test_api_create_and_delete_are_recorded_as_api(world):
    client = api_client(world.sysadmin, world.a)  # tenant admins invite instead
    response = client.post(
        f"/api/v1/tenants/{world.a.slug}/members/",
        {"email": "new.agent@acme.example", "password": "a-long-enough-pass", "role": "agent"},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = entries_for(Membership, response.json()["id"])
    assert [e.action for e in created] == ["create"]
    assert created[0].source == "api" and created[0].actor == world.sysadmin
    assert (
        client.delete(
            f"/api/v1/tenants/{world.a.slug}/members/{response.json()['id']}/"
        ).status_code
        == 204
    )
    deleted = entries_for(Membership, response.json()["id"])[-1]
    assert (
        deleted.action == "delete" and deleted.before["role"] == "agent" and deleted.after is None
    )


def test_admin_change_is_recorded_as_admin(world):
    client = login(world.sysadmin)
    response = client.post(
        f"/admin/tenants/tenant/{world.b.pk}/change/",
        {
            "name": "Globex Renamed",
            "slug": world.b.slug,
            "status": "active",
            "contact_email": "",
            "notes": "",
            "suspended_reason": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = entries_for(Tenant, world.b.pk)[-1]
    assert entry.source == "admin" and entry.changes["name"] == [
        "Globex Corporation",
        "Globex Renamed",
    ]


def test_passwords_are_masked_and_a_password_change_is_still_visible(world):
    services.user_update(
        user=world.agent_a, acting_user=world.sysadmin, password="another-long-password"
    )
    entry = entries_for(User, world.agent_a.pk)[-1]
    assert set(entry.changes) == {"password"}
    before, after = entry.changes["password"]
    assert before.startswith(MASK) and after.startswith(MASK) and before != after
    with scopes_disabled():
        dump = str(list(AuditEntry.objects.values("before", "after", "changes")))
    assert "pbkdf2" not in dump and "argon" not in dump


def test_token_secret_never_reaches_the_audit_log(world):
    token, raw = services.api_token_create(user=world.admin_a, tenant=world.a, name="crm")
    entry = entries_for(type(token), token.pk)[-1]
    assert entry.after["key_hash"].startswith(MASK)
    with scopes_disabled():
        dump = str(list(AuditEntry.objects.values("before", "after", "changes", "object_repr")))
    assert raw not in dump and token.key_hash not in dump


def test_a_no_change_save_writes_nothing(world):
    before = len(entries_for(Tenant, world.a.pk))
    services.tenant_update(tenant=world.a, name=world.a.name)
    assert len(entries_for(Tenant, world.a.pk)) == before


def test_tenant_admin_sees_only_their_tenants_entries(world):
    services.tenant_update(tenant=world.b, notes="secret plans of globex")
    services.tenant_update(tenant=world.a, notes="acme note")
    page = login(world.admin_a).get(f"/t/{world.a.slug}/audit/?per_page=100").content.decode()
    assert "Acme Telecom" in page
    assert "Globex" not in page
    with scope(tenant=world.a):
        assert not AuditEntry.objects.filter(tenant=world.b).exists()


def test_user_changes_made_in_a_tenant_are_filed_under_it(world):
    client = login(world.sysadmin)
    membership = Membership.objects.with_scope(tenant=world.a).get(user=world.agent_a)
    response = client.post(f"/t/{world.a.slug}/users/{membership.pk}/edit/", {"role": "admin"})
    assert response.status_code == 302
    entry = entries_for(Membership, membership.pk)[-1]
    assert entry.tenant_id == world.a.pk and entry.changes["role"] == ["agent", "admin"]


def test_platform_audit_page_filters_by_action_and_object(world):
    services.tenant_suspend(tenant=world.b, reason="unpaid")
    client = login(world.sysadmin)
    page = client.get("/platform/audit/?action=update&object_type=tenants.tenant").content.decode()
    assert "Globex Corporation" in page
    assert "Created" not in page.split("<tbody>")[1]
    detail = entries_for(Tenant, world.b.pk)[-1]
    page = client.get(f"/platform/audit/{detail.pk}/").content.decode()
    assert "suspended" in page and "unpaid" in page
