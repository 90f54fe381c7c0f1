"""The reconcile: trunks changed on Wavix, missing on Wavix, and unknown to the portal, with
one-click import, re-push and "take Wavix's settings"."""

import pytest

from sandbox.wavix.models import SandboxTrunk
from trunks import services
from trunks.models import SETTINGS, ForeignTrunk, SipTrunk
from trunks.tasks import reconcile_trunks

from ..conftest import login
from .conftest import share

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
    from sandbox.wavix.faults import faults_set

    faults_set(account=wavix.account.sandbox, error_rate=1.0, error_status=503)
    reconcile_trunks()
    page = login(wavix.world.sysadmin).get("/platform/trunks/").content.decode()
    assert "503" in page


# Imported trunks: the password Wavix never returns ------------------------------------------


def _imported(wavix) -> SipTrunk:
    reconcile_trunks()
    foreign = ForeignTrunk.objects.get()  # the sandbox's own digest trunk "Main office PBX"
    login(wavix.world.sysadmin).post(f"/platform/trunks/foreign/{foreign.pk}/import/")
    return SipTrunk.objects.get()


def _edit_form(trunk: SipTrunk, **overrides) -> dict:
    data = {name: getattr(trunk, name) for name in SETTINGS}
    data["allowed_ips"] = "\n".join(trunk.allowed_ips)
    data.update(overrides)
    return {k: ("" if v is None else v) for k, v in data.items() if v is not False}


def test_an_imported_digest_trunk_shows_its_password_unknown_until_a_new_one_is_pushed(
    wavix, run_tasks, api_as
):
    trunk = _imported(wavix)
    assert trunk.auth_method == "digest" and trunk.sync_state == "in_sync"
    assert not trunk.password_known and trunk.needs_new_password
    client = login(wavix.world.sysadmin)
    detail = client.get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "password unknown — set a new one" in detail and "Set a new password" in detail
    listing = client.get("/platform/trunks/").content.decode()
    assert "password unknown — set a new one" in listing
    body = api_as(wavix.world.sysadmin).get(f"/api/v1/trunks/{trunk.pk}/").json()
    assert (body["password_known"], body["password"]) == (False, "")

    # The tenant it is shared with is told, not shown pretend credentials.
    assignment = share(trunk, wavix.world.a, str(trunk.callerid))
    tenant = login(wavix.world.admin_a)
    page = tenant.get(f"/t/acme/trunks/{assignment.pk}/").content.decode()
    assert "held by your provider" not in page
    assert "not known yet: your provider's administrator must set a new password" in page
    tenant_api = api_as(wavix.world.admin_a, wavix.world.a)
    connection = tenant_api.get(f"/api/v1/tenants/acme/trunks/{assignment.pk}/").json()
    assert connection["trunk"]["credentials_available"] is False

    # Nothing is pushed without a new password: a push replaces the whole trunk.
    before = wavix.account.transport.request_count
    repush = client.post(f"/platform/trunks/{trunk.pk}/repush/", follow=True)
    assert "is unknown (it was imported from Wavix" in repush.content.decode()
    edit = client.post(f"/platform/trunks/{trunk.pk}/edit/", _edit_form(trunk))
    assert edit.status_code == 200
    assert "The password is unknown (the trunk was imported from Wavix" in edit.content.decode()
    assert wavix.account.transport.request_count == before

    # The form's “Generate”, then save: the new password goes to Wavix.
    generated = client.get("/platform/trunks/password/").content.decode()
    password = generated.split('value="')[1].split('"')[0]
    saved = run_tasks(
        client.post, f"/platform/trunks/{trunk.pk}/edit/", _edit_form(trunk, password=password)
    )
    assert saved.status_code == 302
    trunk.refresh_from_db()
    assert trunk.password_known and trunk.sync_state == "in_sync"
    assert SandboxTrunk.objects.get(pk=trunk.wavix_id).password == password
    detail = client.get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "password unknown" not in detail and "••••••••" in detail
    assert "password unknown" not in client.get("/platform/trunks/").content.decode()
    page = tenant.get(f"/t/acme/trunks/{assignment.pk}/").content.decode()
    assert "held by your provider" in page and password not in page
    connection = tenant_api.get(f"/api/v1/tenants/acme/trunks/{assignment.pk}/").json()
    assert connection["trunk"]["credentials_available"] is True


def test_the_api_generates_a_new_password_for_an_imported_trunk_and_shows_it_once(
    wavix, run_tasks, api_as
):
    trunk = _imported(wavix)
    api = api_as(wavix.world.sysadmin)
    refused = api.patch(f"/api/v1/trunks/{trunk.pk}/", {"max_channels": 8}, format="json")
    assert refused.status_code == 400 and "The password is unknown" in str(refused.json())

    answer = run_tasks(
        api.patch, f"/api/v1/trunks/{trunk.pk}/", {"generate_password": True}, format="json"
    )

    assert answer.status_code == 202
    trunk.refresh_from_db()
    generated = answer.json()["generated_password"]
    assert generated == trunk.password and answer.json()["password_known"] is True
    assert SandboxTrunk.objects.get(pk=trunk.wavix_id).password == generated
    assert trunk.sync_state == "in_sync"
    again = api.get(f"/api/v1/trunks/{trunk.pk}/").json()
    assert generated not in str(again) and again["password"] == "********"
    changed = run_tasks(api.patch, f"/api/v1/trunks/{trunk.pk}/", {"label": "HQ"}, format="json")
    assert changed.json()["generated_password"] == ""


def test_an_imported_ip_trunk_is_re_pushed_without_a_password_of_its_own(wavix, run_tasks):
    on_wavix = SandboxTrunk.objects.get(label="Main office PBX")
    on_wavix.host_request, on_wavix.host_request_status = "203.0.113.10", "approved"
    on_wavix.host = "203.0.113.10"
    on_wavix.save()
    trunk = _imported(wavix)
    assert trunk.is_ip_auth and not trunk.password_known and not trunk.needs_new_password
    page = login(wavix.world.sysadmin).get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "password unknown — set a new one" not in page
    assert "not used with IP authentication" in page

    run_tasks(services.trunk_repush, trunk=trunk)

    trunk.refresh_from_db()
    assert not trunk.password_known and trunk.sync_state == "in_sync"
    assert len(SandboxTrunk.objects.get(pk=trunk.wavix_id).password) >= 12  # Wavix's required one


# Allowed addresses: Wavix holds single addresses, the portal networks ----------------------


def _wavix_addresses(trunk: SandboxTrunk, addresses: list[str]) -> None:
    trunk.ip_restrict = True
    trunk.allowed_ips = [{"id": n, "ip": ip} for n, ip in enumerate(addresses, 1)]
    trunk.save()


def test_an_import_collapses_wavixs_addresses_into_networks(wavix):
    on_wavix = SandboxTrunk.objects.get(label="Main office PBX")
    block = [f"198.51.100.{i}" for i in range(8, 16)]
    _wavix_addresses(on_wavix, ["203.0.113.10", *block, "2001:db8:10::5"])

    trunk = _imported(wavix)

    assert trunk.allowed_ips == ["198.51.100.8/29", "203.0.113.10", "2001:db8:10::5"]
    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.drift, trunk.drift_fields) == ("", {})


def test_an_imported_ip_trunk_keeps_its_host_first_and_its_network_within_the_limit(
    wavix, run_tasks
):
    on_wavix = SandboxTrunk.objects.get(label="Main office PBX")
    on_wavix.host_request, on_wavix.host_request_status = "203.0.113.10", "approved"
    on_wavix.host = "203.0.113.10"
    # 64 addresses in a row, the authenticated one among them: two /27s, the broadest the
    # portal allows, after the host.
    _wavix_addresses(on_wavix, [f"203.0.113.{i}" for i in range(64)])

    trunk = _imported(wavix)

    assert trunk.is_ip_auth
    assert trunk.allowed_ips == ["203.0.113.10", "203.0.113.0/27", "203.0.113.32/27"]
    run_tasks(services.trunk_repush, trunk=trunk)  # valid as it stands: it can be pushed
    trunk.refresh_from_db()
    assert trunk.sync_state == "in_sync" and trunk.ip_approval == "approved"
    assert len(SandboxTrunk.objects.get(pk=trunk.wavix_id).allowed_ips) == 64
    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.drift, trunk.drift_fields) == ("", {})


def test_taking_wavixs_settings_keeps_the_networks_as_typed_when_the_addresses_agree(
    make_trunk, wavix
):
    trunk = make_trunk(allowed_ips="2001:db8:10::5\n203.0.113.16/29")
    SandboxTrunk.objects.filter(pk=trunk.wavix_id).update(label="Renamed at Wavix")
    reconcile_trunks()
    login(wavix.world.sysadmin).post(f"/platform/trunks/{trunk.pk}/accept/")
    trunk.refresh_from_db()
    assert trunk.label == "Renamed at Wavix" and trunk.drift == ""
    assert trunk.allowed_ips == ["2001:db8:10::5", "203.0.113.16/29"]
