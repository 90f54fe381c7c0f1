"""System administrators add Wavix accounts; the API key is encrypted at rest and never shown
again."""

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from portal.models import AuditEntry, WavixAccount

from ..conftest import login

pytestmark = pytest.mark.django_db
KEY = "wvx_live_9f3b2c7d1e8a4b6c"


def create(client, **overrides):
    data = {
        "name": "Main",
        "base_url": "https://api.wavix.com",
        "auth_mode": "bearer",
        "api_key": KEY,
        "is_default": "on",
        **overrides,
    }
    return client.post("/platform/wavix/new/", data)


def test_key_is_encrypted_at_rest_and_never_shown_again(world):
    client = login(world.sysadmin)
    assert create(client).status_code == 302
    account = WavixAccount.objects.get()
    assert account.api_key == KEY and account.is_default
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM portal_wavixaccount")
        stored = cursor.fetchone()[0]
    assert KEY not in stored and len(stored) > 60
    for url in ("/platform/wavix/", f"/platform/wavix/{account.pk}/"):
        page = client.get(url).content.decode()
        assert KEY not in page and "…4b6c" in page
    with scopes_disabled():
        entry = AuditEntry.objects.filter(
            object_id=str(account.pk), content_type__model="wavixaccount"
        ).get()
    assert KEY not in str(entry.after) and entry.after["api_key"].startswith("********")


def test_editing_without_a_key_keeps_the_key(world):
    client = login(world.sysadmin)
    create(client)
    account = WavixAccount.objects.get()
    client.post(
        f"/platform/wavix/{account.pk}/",
        {
            "name": "Renamed",
            "base_url": "https://api.wavix.com",
            "auth_mode": "appid",
            "api_key": "",
            "is_default": "on",
        },
    )
    account.refresh_from_db()
    assert account.name == "Renamed" and account.api_key == KEY and account.auth_mode == "appid"


def test_a_new_account_needs_a_key_and_a_valid_url(world):
    client = login(world.sysadmin)
    page = create(client, api_key="", base_url="not a url").content.decode()
    assert "Enter the account" in page or "Enter a valid URL" in page
    assert not WavixAccount.objects.exists()


def test_one_default_account(world):
    client = login(world.sysadmin)
    create(client, name="First")
    create(client, name="Second", api_key="other-key-000000")
    assert list(WavixAccount.objects.filter(is_default=True).values_list("name", flat=True)) == [
        "Second"
    ]


def test_only_system_administrators_manage_accounts(world):
    for user in (world.admin_a, world.support):
        assert login(user).get("/platform/wavix/").status_code == 403
