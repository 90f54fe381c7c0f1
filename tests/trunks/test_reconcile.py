"""The reconcile: trunks changed on Wavix, missing on Wavix, and unknown to the portal, with
one-click import, re-push and "take Wavix's settings"."""

import pytest

from portal.wavix.sandbox.models import SandboxTrunk
from trunks.models import ForeignTrunk, SipTrunk
from trunks.tasks import reconcile_trunks

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_a_trunk_changed_on_wavix_shows_drift_and_repush_restores_it(make_trunk, wavix, run_tasks):
    trunk = make_trunk()
    SandboxTrunk.objects.filter(pk=trunk.wavix_id).update(label="Renamed at Wavix", max_channels=3)

    reconcile_trunks()

    trunk.refresh_from_db()
    assert trunk.drift == "changed"
    assert trunk.drift_fields["label"] == ["Acme PBX", "Renamed at Wavix"]
    assert trunk.drift_fields["max_channels"] == [10, 3]
    client = login(wavix.world.sysadmin)
    page = client.get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "Changed on Wavix" in page and "Renamed at Wavix" in page

    run_tasks(client.post, f"/platform/trunks/{trunk.pk}/repush/")
    trunk.refresh_from_db()
    on_wavix = SandboxTrunk.objects.get(pk=trunk.wavix_id)
    assert (on_wavix.label, on_wavix.max_channels) == ("Acme PBX", 10)
    assert trunk.drift == "" and trunk.sync_state == "in_sync"


def test_taking_wavixs_settings_updates_the_portal(make_trunk, wavix):
    trunk = make_trunk()
    SandboxTrunk.objects.filter(pk=trunk.wavix_id).update(label="Renamed at Wavix")
    reconcile_trunks()
    login(wavix.world.sysadmin).post(f"/platform/trunks/{trunk.pk}/accept/")
    trunk.refresh_from_db()
    assert (trunk.label, trunk.drift, trunk.password) == (
        "Renamed at Wavix",
        "",
        "Str0ng-Passw0rd-1",
    )


def test_a_trunk_missing_on_wavix_is_created_again_by_a_repush(make_trunk, wavix, run_tasks):
    trunk = make_trunk()
    old_id = trunk.wavix_id
    SandboxTrunk.objects.filter(pk=old_id).delete()
    reconcile_trunks()
    trunk.refresh_from_db()
    assert trunk.drift == "missing"

    run_tasks(login(wavix.world.sysadmin).post, f"/platform/trunks/{trunk.pk}/repush/")
    trunk.refresh_from_db()
    assert trunk.wavix_id != old_id and SandboxTrunk.objects.filter(pk=trunk.wavix_id).exists()
    assert trunk.drift == "" and trunk.sync_state == "in_sync"


def test_a_trunk_unknown_to_the_portal_is_offered_and_imported(wavix):
    reconcile_trunks()
    foreign = ForeignTrunk.objects.get()  # the sandbox's own "Main office PBX"
    client = login(wavix.world.sysadmin)
    listing = client.get("/platform/trunks/").content.decode()
    assert "unknown to the portal" in listing and "Main office PBX" in listing
    assert "0 changed on Wavix, 0 missing on Wavix, 1 unknown to the portal" in listing

    client.post(f"/platform/trunks/foreign/{foreign.pk}/import/")

    trunk = SipTrunk.objects.get()
    on_wavix = SandboxTrunk.objects.get(label="Main office PBX")
    assert (trunk.wavix_id, trunk.sip_username) == (on_wavix.pk, on_wavix.name)
    assert trunk.sync_state == "in_sync" and trunk.max_channels == 10 and trunk.call_limit == 3600
    assert trunk.password == ""  # Wavix never tells it
    assert not ForeignTrunk.objects.exists()
    reconcile_trunks()
    trunk.refresh_from_db()
    assert trunk.drift == "" and not ForeignTrunk.objects.exists()


def test_a_failed_reconcile_is_shown_with_the_reason(wavix):
    from portal.wavix.sandbox.faults import faults_set

    faults_set(account=wavix.account.sandbox, error_rate=1.0, error_status=503)
    reconcile_trunks()
    page = login(wavix.world.sysadmin).get("/platform/trunks/").content.decode()
    assert "503" in page
