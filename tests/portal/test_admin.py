"""Support staff read everything in the Django admin and change only what their group allows."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission

from tenants.support import SUPPORT_GROUP

from ..conftest import login

pytestmark = pytest.mark.django_db


def changelist_urls():
    return [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]


def test_every_admin_model_has_search_and_filters():
    missing = [
        f"{m._meta.label}: search={bool(a.search_fields)} filters={bool(a.list_filter)}"
        for m, a in admin.site._registry.items()
        if not (a.search_fields and a.list_filter)
    ]
    assert not missing, missing


def test_support_reads_every_model(world):
    client = login(world.support)
    statuses = {url: client.get(url).status_code for url in changelist_urls()}
    assert set(statuses.values()) == {200}, statuses
    search = client.get("/admin/tenants/tenant/?q=acme").content.decode()
    assert "Acme Telecom" in search and "Globex" not in search


def test_support_cannot_change_without_a_granted_permission(world):
    client = login(world.support)
    url = f"/admin/tenants/tenant/{world.a.pk}/change/"
    form = {
        "name": "Hacked",
        "slug": world.a.slug,
        "status": "active",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert client.post(url, form).status_code == 403
    world.a.refresh_from_db()
    assert world.a.name == "Acme Telecom"

    Group.objects.get(name=SUPPORT_GROUP).permissions.add(
        Permission.objects.get(codename="change_tenant")
    )
    client = login(world.support)
    assert client.post(url, form).status_code == 302
    world.a.refresh_from_db()
    assert world.a.name == "Hacked"


def test_tenant_users_cannot_enter_the_admin(world):
    response = login(world.admin_a).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
