"""Sender IDs: registration per country on the Wavix sandbox, manual registration, the sync,
the pool rule, deletion."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from dids import services as dids_services
from dids.models import DidPool
from messaging.models import SenderCountry, SenderId, SenderJob
from messaging.selectors import sender_refusal
from messaging.services import senders
from portal.models import AuditEntry
from sandbox.wavix.models import SandboxSenderId
from sandbox.wavix.services.senders import sender_id_allowlist

pytestmark = pytest.mark.django_db


def states(sender) -> dict:
    with scopes_disabled():
        return {c.country: c.state for c in SenderCountry.objects.filter(sender=sender)}


def create(run_tasks, tenant, **fields):
    with scope(tenant=tenant):
        return run_tasks(senders.sender_create, tenant=tenant, **fields)


def test_a_name_is_allowlisted_where_self_service_and_manual_where_paperwork_is_needed(
    senders_env, run_tasks
):
    sender = create(
        run_tasks, senders_env.world.a, kind="alphanumeric", value="Acme", countries=["GB", "FR"]
    )
    assert states(sender) == {"GB": "allowlisted", "FR": "manual"}
    with scopes_disabled():
        fr = SenderCountry.objects.get(sender=sender, country="FR")
        sender.refresh_from_db()
    assert "France needs paperwork" in fr.note and "letter of authorisation" in fr.note
    assert sender.provider_id
    remote = SandboxSenderId.objects.get(sender_id="Acme")
    assert remote.countries == ["FR", "GB"] and remote.allowlisted_in == ["GB"]
    with scope(tenant=senders_env.world.a):
        assert sender_refusal(sender=sender, country="GB") is None
        assert "not allow-listed in FR" in sender_refusal(sender=sender, country="FR")
        job = SenderJob.objects.get(sender=sender)
    assert job.status == "succeeded" and "Manual registration needed: FR" in job.note


def test_the_sync_moves_a_manual_country_on_once_wavix_lists_it(senders_env, run_tasks):
    sender = create(
        run_tasks, senders_env.world.a, kind="alphanumeric", value="Acme", countries=["GB", "IN"]
    )
    assert states(sender)["IN"] == "manual"
    sender_id_allowlist(sender=SandboxSenderId.objects.get(sender_id="Acme"), countries=["IN"])
    run_tasks(senders.senders_sync_all)
    assert states(sender) == {"GB": "allowlisted", "IN": "allowlisted"}
    with scopes_disabled():
        assert AuditEntry.objects.filter(message__contains="IN: Manual registration").exists()


def test_a_name_is_never_offered_for_us_or_canada(senders_env, run_tasks):
    with pytest.raises(ValidationError) as caught:
        create(
            run_tasks,
            senders_env.world.a,
            kind="alphanumeric",
            value="Acme",
            countries=["GB", "US"],
        )
    assert "cannot send to US" in str(caught.value.message_dict["countries"])
    codes = [c for c, _ in senders.country_choices("alphanumeric")]
    assert "US" not in codes and "CA" not in codes and "GB" in codes
    assert "US" in [c for c, _ in senders.country_choices("numeric")]
    with scopes_disabled():
        assert not SenderId.objects.exists()


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "1 to 11"),
        ("Twelve chars", "1 to 11"),
        ("12345", "at least one letter"),
        ("Café", "ASCII"),
    ],
)
def test_a_bad_name_is_refused_naming_the_rule(senders_env, run_tasks, value, rule):
    with pytest.raises(ValidationError) as caught:
        create(run_tasks, senders_env.world.a, kind="alphanumeric", value=value, countries=["GB"])
    assert rule in caught.value.message_dict["name"][0]


def test_a_numeric_sender_must_be_an_sms_enabled_number_of_the_pool(senders_env, run_tasks):
    a = senders_env.world.a
    with scope(tenant=a):
        offered = [d.number for d in senders.sender_number_choices(a).numbers]
    assert offered == senders_env.sms
    for wrong in (senders_env.plain, senders_env.b_number):
        with pytest.raises(ValidationError) as caught:
            create(run_tasks, a, kind="numeric", value=str(wrong), countries=["GB"])
        assert f"“{wrong}” cannot be a sender ID" in caught.value.message_dict["number"][0]
    sender = create(
        run_tasks, a, kind="numeric", value=f"+{senders_env.sms[0]}", countries=["GB", "IN"]
    )
    assert states(sender) == {"GB": "allowlisted", "IN": "manual"}
    with scope(tenant=a):
        offered = [d.number for d in senders.sender_number_choices(a).numbers]
    assert senders_env.sms[0] not in offered


def test_the_empty_number_list_says_why(senders_env, run_tasks, world):
    from tenants.models import Tenant

    empty = Tenant.objects.create(name="Empty", slug="empty")
    with scope(tenant=empty):
        why = senders.sender_number_choices(empty).why_empty
    assert "no numbers yet" in why
    with scope(tenant=world.a), scopes_disabled():
        dids_services.pool_save(tenant=empty, text=str(senders_env.plain + 1000000))
    with scope(tenant=empty):
        assert senders.sender_number_choices(empty).why_empty


def test_a_number_used_by_a_sender_id_cannot_leave_the_pool(senders_env, run_tasks):
    a = senders_env.world.a
    create(run_tasks, a, kind="numeric", value=str(senders_env.sms[0]), countries=["GB"])
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=a)
        with pytest.raises(ValidationError) as caught:
            dids_services.pool_save(tenant=a, pool=pool, text=str(senders_env.sms[1]))
    assert f"sender ID “+{senders_env.sms[0]}”" in str(caught.value)


def test_adding_a_country_registers_again_and_deleting_removes_it_from_wavix(
    senders_env, run_tasks
):
    a = senders_env.world.a
    sender = create(run_tasks, a, kind="alphanumeric", value="Acme", countries=["GB"])
    with scope(tenant=a):
        run_tasks(senders.sender_countries_set, sender=sender, countries=["GB", "ES", "DE"])
    assert states(sender) == {"DE": "manual", "ES": "allowlisted", "GB": "allowlisted"}
    assert SandboxSenderId.objects.get(sender_id="Acme").countries == ["DE", "ES", "GB"]
    with scope(tenant=a):
        run_tasks(senders.sender_delete, sender=sender)
        assert not SenderId.objects.exists()
    job = SenderJob.objects.get(kind="unregister")
    assert (job.status, job.error) == ("succeeded", "")
    assert not SandboxSenderId.objects.filter(sender_id="Acme").exists()


def test_a_number_used_by_a_sender_id_cannot_go_back_to_wavix(senders_env, run_tasks):
    from dids.ranges import Pool
    from dids.usage import uses_of

    create(
        run_tasks,
        senders_env.world.a,
        kind="numeric",
        value=str(senders_env.sms[0]),
        countries=["GB"],
    )
    uses = uses_of(None, Pool.of(senders_env.sms[0], senders_env.sms[1]))
    assert [(u.number, u.what) for u in uses] == [
        (senders_env.sms[0], f"sender ID “+{senders_env.sms[0]}”")
    ]


def test_a_sender_id_gone_from_wavix_is_shown_refused_with_what_to_do(senders_env, run_tasks):
    sender = create(
        run_tasks, senders_env.world.a, kind="alphanumeric", value="Acme", countries=["GB"]
    )
    SandboxSenderId.objects.filter(sender_id="Acme").delete()
    run_tasks(senders.senders_sync_all)
    assert states(sender) == {"GB": "refused"}
    with scopes_disabled():
        assert "register it again" in SenderCountry.objects.get(sender=sender).note
    with scope(tenant=senders_env.world.a):
        run_tasks(senders.sender_retry, sender=sender)
    assert states(sender) == {"GB": "allowlisted"}


def test_a_country_added_while_the_registration_runs_is_registered_too(
    senders_env, run_tasks, monkeypatch
):
    from portal.wavix.client import WavixClient

    original = WavixClient.sender_id_self_service
    added = []

    def check_then_add(client, country, kind):
        if not added:  # the tenant adds Spain while the first check is under way
            with scopes_disabled():
                sender = SenderId.objects.get(value="Acme")
                SenderCountry.objects.create(sender=sender, tenant=sender.tenant, country="ES")
            added.append("ES")
        return original(client, country, kind)

    monkeypatch.setattr(WavixClient, "sender_id_self_service", check_then_add)
    sender = create(
        run_tasks, senders_env.world.a, kind="alphanumeric", value="Acme", countries=["GB"]
    )
    assert states(sender) == {"ES": "allowlisted", "GB": "allowlisted"}
    assert SandboxSenderId.objects.get(sender_id="Acme").countries == ["ES", "GB"]
