"""A trunk's life against the Wavix sandbox, as a system administrator sees it: created in the
browser and pushed by a task, updated whole, failures with Wavix's reason and a retry, IP
authentication waiting for Wavix's approval, deletion, and secrets masked everywhere."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from portal.models import AuditEntry
from sandbox.wavix.faults import faults_set
from sandbox.wavix.models import SandboxNumber, SandboxTrunk
from sandbox.wavix.services.trunks import trunk_review
from trunks import rules, services
from trunks.models import SETTINGS, SipTrunk

from ..conftest import api_client, login
from .conftest import digest

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng-Passw0rd-1"


def form(callerid, **overrides):
    data = {**digest(callerid), "account": "", "max_call_cost": "", "rewrite_prefix": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_a_trunk_created_in_the_browser_is_pushed_and_shows_its_sip_username(wavix, run_tasks):
    client = login(wavix.world.sysadmin)
    data = form(wavix.active[0], account=wavix.account.pk, call_recording_enabled="on")

    response = run_tasks(client.post, "/platform/trunks/new/", data)

    trunk = SipTrunk.objects.get()
    assert response.status_code == 302 and response.url == f"/platform/trunks/{trunk.pk}/"
    assert trunk.sync_state == "in_sync" and trunk.sip_username
    on_wavix = SandboxTrunk.objects.get(pk=trunk.wavix_id)
    assert on_wavix.name == trunk.sip_username and on_wavix.password == PASSWORD
    assert on_wavix.callerid == str(wavix.active[0]) and on_wavix.call_limit == 3600
    assert on_wavix.call_recording_enabled and on_wavix.max_channels == 10
    page = client.get(response.url).content.decode()
    assert "In sync" in page and trunk.sip_username in page
    assert PASSWORD not in page and "••••••••" in page


def test_an_update_sends_the_whole_trunk(make_trunk, run_tasks):
    trunk = make_trunk(call_recording_enabled=True, rewrite_enabled=True, rewrite_prefix="1")
    data = {name: getattr(trunk, name) for name in SETTINGS}
    data.update(label="Acme PBX (HQ)", max_channels=20)

    run_tasks(services.trunk_save, trunk=trunk, data=data)

    trunk.refresh_from_db()
    on_wavix = SandboxTrunk.objects.get(pk=trunk.wavix_id)
    assert trunk.sync_state == "in_sync"
    assert (on_wavix.label, on_wavix.max_channels) == ("Acme PBX (HQ)", 20)
    # Unchanged settings survive Wavix's full replacement because the push carries them.
    assert on_wavix.call_recording_enabled and on_wavix.rewrite_prefix == "1"
    assert on_wavix.password == PASSWORD and SandboxTrunk.objects.count() == 2  # + the seed's


def test_bad_input_is_refused_before_anything_reaches_wavix(wavix):
    client = login(wavix.world.sysadmin)
    foreign = 19995550100
    data = form(
        foreign,
        account=wavix.account.pk,
        password="weak",
        allowed_ips="0.0.0.0/0",
        max_channels="500",
        call_limit="0",
    )
    before = wavix.account.transport.request_count

    page = client.post("/platform/trunks/new/", data).content.decode()

    assert not SipTrunk.objects.exists()
    assert wavix.account.transport.request_count == before
    assert (
        "“0.0.0.0/0” is broader than /27: Wavix takes single addresses, so a network is sent "
        "as its 32 or fewer addresses" in page
    )
    assert f"+{foreign} is not an active number of the Wavix account" in page
    assert "500 is outside Wavix&#x27;s range for the maximum channels (1 to 100)." in page
    assert "0 is outside Wavix&#x27;s range for the maximum call duration" in page
    assert "The password must be at least 12 characters (4 given)" in page


def test_a_refused_push_shows_wavixs_reason_and_retry_works(make_trunk, wavix, run_tasks):
    # The inventory says active, but Wavix has meanwhile suspended the number.
    number = SandboxNumber.objects.get(number=str(wavix.active[0]))
    number.status = "inactive"
    number.save()
    trunk = make_trunk()
    assert trunk.sync_state == "failed"
    assert "callerid" in trunk.sync_error and "must be an active number" in trunk.sync_error
    page = login(wavix.world.sysadmin).get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "Failed" in page and "Retry" in page and "must be an active number" in page

    number.status = "active"
    number.save()
    run_tasks(services.trunk_retry, trunk=trunk)
    trunk.refresh_from_db()
    assert trunk.sync_state == "in_sync" and trunk.wavix_id and trunk.sync_error == ""


def test_transient_failures_are_retried_then_fail_visibly(make_trunk, wavix, no_client_backoff):
    from portal.wavix.client import WavixClient

    faults_set(account=wavix.account.sandbox, error_rate=1.0, error_status=503)
    before = wavix.account.transport.request_count
    trunk = make_trunk()
    assert trunk.sync_state == "failed" and "503" in trunk.sync_error
    assert trunk.sync_error.endswith("(after 5 attempts)")
    assert not SandboxTrunk.objects.filter(label="Acme PBX").exists()
    # The task's five attempts (the shared policy; the eager worker ran each retry at once),
    # each failing on the list of trunks that comes before a create, with the client's own
    # quick retries (a read is safe to repeat).
    per_attempt = 1 + WavixClient.for_account(wavix.account).max_retries
    assert wavix.account.transport.request_count - before == 5 * per_attempt


def test_a_create_answered_with_5xx_is_never_repeated_blindly(make_trunk, wavix):
    # A 5xx may come after Wavix made the trunk: the client does not repeat the create, and
    # each later attempt lists the trunks first (the sandbox's 503 here comes before it
    # creates anything, so each attempt finds none and creates again).
    faults_set(account=wavix.account.sandbox, error_rate=1.0, methods="POST")
    before = wavix.account.transport.request_count
    trunk = make_trunk()
    assert trunk.sync_state == "failed" and "Wavix POST /v1/trunks returned 503" in trunk.sync_error
    assert "(after 5 attempts). Wavix may have created the trunk all the same" in trunk.sync_error
    assert trunk.create_in_doubt["label"] == "Acme PBX"
    assert wavix.account.transport.request_count - before == 5 * 2  # list, create
    assert not SandboxTrunk.objects.filter(label="Acme PBX").exists()


def test_a_transient_failure_shows_the_next_attempt_then_the_retry_pushes(
    wavix, run_tasks, hold_task, no_client_backoff
):
    queue = hold_task("trunks.tasks", "sync_trunk")
    trunk = run_tasks(services.trunk_save, account=wavix.account, data=digest(wavix.active[0]))
    faults_set(account=wavix.account.sandbox, error_rate=1.0, error_status=503, methods="POST")

    assert queue.run_next() == "retry"

    trunk.refresh_from_db()
    ((args, countdown),) = queue.messages
    assert args == (trunk.pk, 1) and 7 <= countdown <= 13  # 10 s, give or take 25 % jitter
    assert trunk.sync_state == "pending"
    assert trunk.sync_error.startswith("Retrying, attempt 2 of 5, next at ")
    assert "(attempt 1 failed: Wavix POST /v1/trunks returned 503" in trunk.sync_error
    assert "Wavix may have created the trunk all the same" in trunk.sync_error
    page = login(wavix.world.sysadmin).get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "Pending" in page and "Retrying, attempt 2 of 5, next at" in page

    faults_set(account=wavix.account.sandbox)
    assert queue.run_next() == "synced"
    trunk.refresh_from_db()
    assert (trunk.sync_state, trunk.sync_error) == ("in_sync", "") and trunk.wavix_id
    assert trunk.create_in_doubt == {}
    assert SandboxTrunk.objects.filter(label="Acme PBX").count() == 1
    assert queue.messages == []


def test_ip_authentication_waits_for_wavix_approval(make_trunk, wavix, run_tasks):
    trunk = make_trunk(auth_method="ip", password="", allowed_ips="203.0.113.10\n203.0.113.11")
    assert trunk.sync_state == "in_sync"
    assert trunk.wavix_status == "pending" and trunk.ip_approval == "pending"
    page = login(wavix.world.sysadmin).get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "Awaiting Wavix approval" in page and "IP authentication pending" in page

    trunk_review(trunk=SandboxTrunk.objects.get(pk=trunk.wavix_id), approve=True)
    from trunks.tasks import reconcile_trunks

    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.wavix_status, trunk.ip_approval, trunk.drift) == ("active", "approved", "")


def test_an_ip_trunk_with_ipv6_and_ipv4_addresses_is_pushed_and_stays_in_step(wavix, run_tasks):
    client = login(wavix.world.sysadmin)
    data = form(
        wavix.active[0],
        account=wavix.account.pk,
        auth_method="ip",
        password="",
        allowed_ips="2001:DB8:10::5\n203.0.113.10\n2606:4700:4700::1111",
    )
    run_tasks(client.post, "/platform/trunks/new/", data)

    trunk = SipTrunk.objects.get()
    assert (trunk.sync_state, trunk.sync_error) == ("in_sync", "")
    assert trunk.allowed_ips == ["2001:db8:10::5", "203.0.113.10", "2606:4700:4700::1111"]
    on_wavix = SandboxTrunk.objects.get(pk=trunk.wavix_id)
    assert [i["ip"] for i in on_wavix.allowed_ips] == trunk.allowed_ips
    assert (on_wavix.host_request, trunk.ip_approval) == ("2001:db8:10::5", "pending")
    from trunks.tasks import reconcile_trunks

    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.drift, trunk.drift_fields) == ("", {})


def test_a_network_is_sent_to_wavix_as_its_addresses_and_shows_no_drift(
    make_trunk, wavix, run_tasks
):
    # Wavix's spec describes every `allowed_ips[].ip` as "public static IP address" (the
    # sandbox refuses a network): the portal keeps the network and sends its 8 addresses.
    trunk = make_trunk(allowed_ips="2001:db8:10::5\n203.0.113.16/29")
    assert trunk.allowed_ips == ["2001:db8:10::5", "203.0.113.16/29"]
    assert (trunk.sync_state, trunk.sync_error) == ("in_sync", "")
    on_wavix = SandboxTrunk.objects.get(pk=trunk.wavix_id)
    sent = [i["ip"] for i in on_wavix.allowed_ips]
    assert sent == ["2001:db8:10::5", *(f"203.0.113.{i}" for i in range(16, 24))]
    assert len(sent) == 9 and on_wavix.ip_restrict

    from trunks.tasks import reconcile_trunks

    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.drift, trunk.drift_fields) == ("", {})
    assert trunk.allowed_ips == ["2001:db8:10::5", "203.0.113.16/29"]  # as typed

    # One address gone on Wavix is drift, shown as Wavix's addresses collapsed.
    on_wavix.allowed_ips = [i for i in on_wavix.allowed_ips if i["ip"] != "203.0.113.23"]
    on_wavix.save()
    reconcile_trunks()
    trunk.refresh_from_db()
    assert trunk.drift == "changed"
    assert trunk.drift_fields["allowed_ips"] == [
        ["2001:db8:10::5", "203.0.113.16/29"],
        ["203.0.113.16/30", "203.0.113.20/31", "203.0.113.22", "2001:db8:10::5"],
    ]


def test_an_ip_trunk_authenticates_its_first_address_and_allows_a_network(make_trunk, wavix):
    trunk = make_trunk(auth_method="ip", password="", allowed_ips="203.0.113.10\n198.51.100.8/29")
    assert (trunk.sync_state, trunk.ip_approval) == ("in_sync", "pending")
    on_wavix = SandboxTrunk.objects.get(pk=trunk.wavix_id)
    assert on_wavix.host_request == "203.0.113.10" and len(on_wavix.allowed_ips) == 9

    from trunks.tasks import reconcile_trunks

    reconcile_trunks()
    trunk.refresh_from_db()
    assert (trunk.drift, trunk.drift_fields) == ("", {})


def test_a_network_stored_before_the_limits_fails_its_push_with_the_rule(make_trunk, wavix):
    # Saved when /48 was allowed: sending its 2^80 addresses is not attempted.
    trunk = make_trunk()
    SipTrunk.objects.filter(pk=trunk.pk).update(
        allowed_ips=["2001:db8:1::/48"], sync_state="pending", revision=trunk.revision + 1
    )
    before = wavix.account.transport.request_count
    from trunks.tasks import sync_trunk

    assert sync_trunk(trunk.pk) == "failed"
    trunk.refresh_from_db()
    assert trunk.sync_error.startswith(
        "The allowed addresses cannot be sent to Wavix: “2001:db8:1::/48” is broader than "
        "/123: Wavix takes single addresses"
    )
    assert wavix.account.transport.request_count == before


def test_the_address_limits_come_from_the_settings(wavix, settings):
    settings.TRUNK_MAX_NETWORK_ADDRESSES = 8
    data = digest(wavix.active[0], allowed_ips="203.0.113.16/29\n198.51.100.0/28")
    with pytest.raises(ValidationError) as exc:
        services.trunk_save(account=wavix.account, data=data)
    (message,) = exc.value.message_dict["allowed_ips"]
    assert message.startswith(
        "“198.51.100.0/28” is broader than /29: Wavix takes single addresses, so a network is "
        "sent as its 8 or fewer addresses"
    )
    form = login(wavix.world.sysadmin).get("/platform/trunks/new/").content.decode()
    assert "at most /29 (IPv4) or /125 (IPv6), 8 addresses, and a trunk at most 64" in form


def test_the_retired_prefix_settings_are_reported_not_silently_ignored(monkeypatch):
    from django.core.checks import run_checks

    monkeypatch.setenv("TRUNK_MIN_PREFIX_IPV4", "24")
    (warning,) = [m for m in run_checks() if m.id == "trunks.W001"]
    assert warning.msg == "TRUNK_MIN_PREFIX_IPV4 is set but no longer read."
    assert "set TRUNK_MAX_NETWORK_ADDRESSES" in warning.hint


def test_ip_authentication_needs_a_host_address_first(wavix):
    with pytest.raises(ValidationError) as exc:
        services.trunk_save(
            account=wavix.account,
            data=digest(wavix.active[0], auth_method="ip", allowed_ips="203.0.113.0/28"),
        )
    assert "must be one host, not the network “203.0.113.0/28”" in str(exc.value)


def test_deleting_removes_the_trunk_on_wavix_then_here(make_trunk, wavix, run_tasks):
    trunk = make_trunk()
    client = login(wavix.world.sysadmin)
    response = run_tasks(client.post, f"/platform/trunks/{trunk.pk}/delete/")
    assert response.status_code == 302
    assert not SipTrunk.objects.filter(pk=trunk.pk).exists()
    assert not SandboxTrunk.objects.filter(pk=trunk.wavix_id).exists()


def test_the_password_is_encrypted_at_rest_and_masked_in_audit_and_api(make_trunk, wavix, api_as):
    from django.db import connection

    trunk = make_trunk()
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM trunks_siptrunk WHERE id = %s", [trunk.pk])
        stored = cursor.fetchone()[0]
    assert PASSWORD not in stored and stored.startswith("gAAAA")
    with scopes_disabled():
        entries = list(AuditEntry.objects.filter(object_id=str(trunk.pk)))
    assert entries and all(PASSWORD not in str(e.after) + str(e.changes) for e in entries)
    assert entries[-1].after["password"].startswith("********")
    body = api_as(wavix.world.sysadmin).get(f"/api/v1/trunks/{trunk.pk}/").json()
    assert body["password"] == "********" and body["password_known"] is True
    assert PASSWORD not in str(body)


def test_a_generated_password_comes_from_the_server_strong(wavix):
    from trunks.rules import password_problems

    html = login(wavix.world.sysadmin).get("/platform/trunks/password/").content.decode()
    value = html.split('value="')[1].split('"')[0]
    assert password_problems(value) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"auth_method": "ip", "allowed_ips": ["203.0.113.10"], "max_call_cost": "0.18"},
        {"passthrough": True, "callerid": None, "call_limit": None, "max_channels": None},
    ],
)
def test_the_push_body_is_a_valid_wavix_trunk_request(overrides):
    """Every trunk the portal can hold becomes a body Wavix's spec accepts, for create and
    for the full replacement."""
    import requests

    from tests.contract.spec import SERVER, validate_request
    from trunks.payloads import to_wavix

    trunk = SipTrunk(**{**digest(16468097065), "callerid": 16468097065, **overrides})
    trunk.password = PASSWORD
    body = to_wavix(trunk)
    for method, path in (("POST", "/v1/trunks"), ("PUT", "/v1/trunks/7")):
        auth = {"Authorization": "Bearer key"}
        prepared = requests.Request(method, SERVER + path, json=body, headers=auth).prepare()
        validate_request(prepared)
    assert body["call_restrict"] is (trunk.call_limit is not None)


def test_an_ip_trunk_created_without_a_password_has_none(wavix, run_tasks):
    client = login(wavix.world.sysadmin)
    data = {
        "account": wavix.account.pk,
        "label": "Office by IP",
        "auth_method": "ip",
        "password": "",
        "allowed_ips": "203.0.113.10",
        "callerid": str(wavix.active[0]),
        "transcription_threshold": 6,
    }
    response = run_tasks(client.post, "/platform/trunks/new/", data)
    assert response.status_code == 302
    trunk = SipTrunk.objects.get()
    assert trunk.sync_state == "in_sync" and not trunk.password_known
    page = client.get(response.url).content.decode()
    assert "none (not used with IP authentication)" in page and "••••••••" not in page
    body = api_client(wavix.world.sysadmin).get(f"/api/v1/trunks/{trunk.pk}/").json()
    assert (body["password_known"], body["password"]) == (False, "")
    # Wavix requires a password on every trunk: it got a strong throwaway, the portal none.
    sent = SandboxTrunk.objects.get(pk=trunk.wavix_id).password
    assert len(sent) >= 12 and not rules.password_problems(sent)
    edit = client.get(f"/platform/trunks/{trunk.pk}/edit/").content.decode()
    assert "Leave empty to keep the current password" not in edit and "(set:" not in edit

    # Switching it to digest asks for a password, with the sentence for a trunk that has none.
    response = client.post(f"/platform/trunks/{trunk.pk}/edit/", {**data, "auth_method": "digest"})
    assert "Digest authentication needs a password: type one or generate one." in (
        response.content.decode()
    )


def test_a_new_trunks_password_help_does_not_speak_of_a_current_password(wavix):
    page = login(wavix.world.sysadmin).get("/platform/trunks/new/").content.decode()
    assert "At least 12 characters" in page
    assert "Leave empty to keep the current password" not in page


def test_required_fields_have_an_asterisk_the_caller_id_included(wavix):
    import re

    page = login(wavix.world.sysadmin).get("/platform/trunks/new/").content.decode()
    starred = set(re.findall(r'class="form-label field-required" for="id_(\w+)"', page))
    assert {"label", "callerid", "account"} <= starred
    assert "call_limit" not in starred and "rewrite_prefix" not in starred
    assert '<span class="field-required">Password</span>' in page
    assert 'class="form-label field-required" id="id_auth_method_group">Authentication<' in page
