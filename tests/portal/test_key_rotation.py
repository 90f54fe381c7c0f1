"""Rotating the keys of stored secrets: a secret no configured key decrypts is reported on its
pages and by the tasks that need it (enter it again) instead of failing with a server error;
`reencrypt_secrets` moves every secret to the first key so old keys can be dropped."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from dids import services as dids_services
from dids.models import SyncRun
from portal.models import WavixAccount
from sandbox.wavix.seed import seed_account
from trunks import services as trunk_services
from trunks.models import SETTINGS, SipTrunk

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db


def new_key() -> str:
    return Fernet.generate_key().decode()


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_a_wavix_key_that_cannot_be_decrypted_is_reported_by_pages_and_tasks(
    world, sandbox_account, run_tasks, settings
):
    seed_account(account=sandbox_account.sandbox, purchased=3)
    ciphertext = stored("portal_wavixaccount", "api_key", sandbox_account.pk)
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]  # the old key is gone
    client = login(world.sysadmin)

    listing = client.get("/platform/wavix/")
    assert listing.status_code == 200
    assert "cannot be read — enter it again" in listing.content.decode()
    edit = client.get(f"/platform/wavix/{sandbox_account.pk}/")
    assert edit.status_code == 200 and "Enter the key again" in edit.content.decode()
    test = client.post(f"/platform/wavix/{sandbox_account.pk}/test/", HTTP_HX_REQUEST="true")
    assert test.status_code == 200 and "cannot be decrypted" in test.content.decode()

    requests_before = sandbox_account.transport.request_count
    run = run_tasks(dids_services.sync_start, account=WavixAccount.objects.get())
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert "cannot be decrypted" in run.error and "enter its API key again" in run.error
    assert sandbox_account.transport.request_count == requests_before, "nothing was sent"

    # Saving the account without a key keeps the unreadable ciphertext and says why.
    form = {"name": "Sandbox", "base_url": sandbox_account.base_url, "auth_mode": "bearer"}
    refused = client.post(f"/platform/wavix/{sandbox_account.pk}/", {**form, "api_key": ""})
    assert refused.status_code == 200 or refused.status_code == 400
    assert "cannot be read" in refused.content.decode()
    assert stored("portal_wavixaccount", "api_key", sandbox_account.pk) == ciphertext
    saved = client.post(
        f"/platform/wavix/{sandbox_account.pk}/",
        {**form, "api_key": settings.WAVIX_SANDBOX_API_KEY, "is_default": "on"},
    )
    assert saved.status_code == 302
    assert WavixAccount.objects.get().api_key == settings.WAVIX_SANDBOX_API_KEY


def _digest_trunk(account, run_tasks, callerid: int) -> SipTrunk:
    data = {
        "label": "Acme PBX",
        "auth_method": "digest",
        "password": "Str0ng-Passw0rd-1",
        "callerid": str(callerid),
        "transcription_threshold": 6,
    }
    trunk = run_tasks(trunk_services.trunk_save, account=account, data=data)
    trunk.refresh_from_db()
    return trunk


def test_a_trunk_password_that_cannot_be_decrypted_is_reported_and_never_pushed_blank(
    world, sandbox_account, run_tasks, settings
):
    from dids.models import Did
    from sandbox.wavix.models import SandboxTrunk

    seed_account(account=sandbox_account.sandbox, purchased=5)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    callerid = Did.objects.filter(status="active").values_list("number", flat=True).first()
    old = new_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    account = WavixAccount.objects.get()
    account.api_key = settings.WAVIX_SANDBOX_API_KEY
    account.save()
    trunk = _digest_trunk(account, run_tasks, callerid)
    assert trunk.sync_state == "in_sync"

    # The account's key is moved to a new key; the trunk's password stays under the old one,
    # which is then dropped.
    settings.FIELD_ENCRYPTION_KEYS = [new_key(), old]
    account = WavixAccount.objects.get()
    account.api_key = settings.WAVIX_SANDBOX_API_KEY
    account.save()  # now under the new first key
    settings.FIELD_ENCRYPTION_KEYS = [settings.FIELD_ENCRYPTION_KEYS[0]]

    client = login(world.sysadmin)
    detail = client.get(f"/platform/trunks/{trunk.pk}/")
    assert detail.status_code == 200 and "password unknown" in detail.content.decode()
    edit = client.get(f"/platform/trunks/{trunk.pk}/edit/").content.decode()
    assert "stored password cannot be read" in edit
    api = api_client(world.sysadmin).get(f"/api/v1/trunks/{trunk.pk}/")
    assert api.status_code == 200 and api.json()["password_known"] is False

    data = {name: getattr(trunk, name) for name in SETTINGS}
    with pytest.raises(ValidationError) as refused:
        trunk_services.trunk_save(trunk=SipTrunk.objects.get(), data={**data, "password": ""})
    assert "stored password cannot be read" in str(refused.value)

    trunk = SipTrunk.objects.get()
    SipTrunk.objects.filter(pk=trunk.pk).update(sync_state="pending")
    from trunks.tasks import sync_trunk

    sync_trunk(trunk.pk)
    trunk.refresh_from_db()
    assert trunk.sync_state == "failed" and "password cannot be read" in trunk.sync_error
    assert SandboxTrunk.objects.get(pk=trunk.wavix_id).password == "Str0ng-Passw0rd-1"


def test_reencrypt_secrets_moves_every_secret_to_the_first_key(world, settings, capsys):
    old, new = new_key(), new_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    account = WavixAccount.objects.create(name="Main", api_key="wavix-key-123456")
    lost = WavixAccount.objects.create(name="Lost", api_key="lost-key-123456")
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    lost.api_key = "lost-key-123456"  # encrypted with a key that is then dropped
    lost.save()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with pytest.raises(CommandError) as reported:
        call_command("reencrypt_secrets")
    assert "1 stored secret(s) cannot be decrypted" in str(reported.value)
    assert f"portal.WavixAccount #{lost.pk} api_key" in str(reported.value)
    assert "Re-encrypted 1 secret." in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can now be dropped
    assert WavixAccount.objects.get(pk=account.pk).api_key == "wavix-key-123456"
    assert WavixAccount.objects.get(pk=lost.pk).api_key_unreadable
