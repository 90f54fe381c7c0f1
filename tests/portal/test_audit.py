"""The audit log records every change, whoever and whatever made it, with secrets masked."""

import re

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
            "default_country": "US",
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
    assert "Suspended" in page and "unpaid" in page


def test_a_destination_change_is_recorded_once_with_readable_values(
    world, sandbox_account, run_tasks
):
    """Route numbers and Set destination are one number order; each number's change is one
    entry (it was two identical ones), and its detail shows the destination as text."""
    from dids import services as dids_services
    from dids.models import Did
    from sandbox.wavix.seed import seed_account

    seed_account(account=sandbox_account.sandbox, purchased=5)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    did = Did.objects.get(number=16468097066)
    before = len(entries_for(Did, did.pk))

    run_tasks(
        dids_services.order_destination,
        numbers=[did.number],
        kind="sip_uri",
        value="100@pbx.acme.example",
        user=world.sysadmin,
    )

    changes = entries_for(Did, did.pk)[before:]
    assert len(changes) == 1, [e.changes for e in changes]
    page = login(world.sysadmin).get(f"/platform/audit/{changes[0].pk}/").content.decode()
    diff = page.split('data-testid="audit-diff"')[1].split("</table>")[0]
    assert "Destination" in diff and "100@pbx.acme.example" in diff
    assert "{" not in diff and "'" not in diff, diff
    assert "trunk id" not in diff, "keys with no value are left out"
    assert "Updated at" not in diff and "City" not in diff, "only what changed is listed"


def test_audit_detail_shows_only_changed_fields_before_and_after_by_their_labels(world):
    services.tenant_suspend(tenant=world.b, reason="unpaid")
    entry = entries_for(Tenant, world.b.pk)[-1]
    page = login(world.sysadmin).get(f"/platform/audit/{entry.pk}/").content.decode()
    diff = page.split('data-testid="audit-diff"')[1].split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", diff, flags=re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S) for r in rows]
    text = [[re.sub(r"<[^>]+>", "", c).strip() for c in row if c != "&rarr;"] for row in cells]
    assert ["Status", "Active", "Suspended"] in text, text
    assert any(row[0] == "Suspended reason" and row[2] == "unpaid" for row in text), text
    assert not any(row[0] in {"Name", "Slug", "Contact email"} for row in text), text


def _object_choices(page: str) -> list[str]:
    select = page.split('name="object_type"')[1].split("</select>")[0]
    return [
        re.sub(r"<[^>]+>", "", o).strip() for o in re.findall(r"<option[^>]*>.*?</option>", select)
    ]


def test_object_filter_names_models_as_people_do_and_tenants_see_their_own_types(world):
    from dids.models import Did, DidPool

    with scope(tenant=world.a):
        DidPool.objects.create(tenant=world.a, name="Main")
    platform = _object_choices(login(world.sysadmin).get("/platform/audit/").content.decode())
    assert {"Number", "Number pool", "SIP trunk", "Tenant"} <= set(platform), platform
    assert not {"Did", "Did pool", "Sip trunk"} & set(platform), platform

    tenant = login(world.admin_a).get(f"/t/{world.a.slug}/audit/").content.decode()
    choices = _object_choices(tenant)
    assert "Number pool" in choices and "Membership" in choices, choices
    assert "SIP trunk" not in choices, "no trunk change is in Acme's log"
    pool_only = (
        login(world.admin_a)
        .get(f"/t/{world.a.slug}/audit/?object_type=dids.didpool")
        .content.decode()
    )
    assert "Main" in pool_only.split("<tbody>")[1]
    assert Did  # the model the "Number" label names


def test_audit_detail_names_related_objects_instead_of_their_ids(world):
    with scopes_disabled():
        entry = [e for e in entries_for(Membership) if e.after["user"] == world.agent_a.pk][0]
    page = login(world.sysadmin).get(f"/platform/audit/{entry.pk}/").content.decode()
    diff = page.split('data-testid="audit-diff"')[1].split("</table>")[0]
    assert "Acme Telecom" in diff and str(world.agent_a) in diff
    assert f">{world.a.pk}<" not in diff
