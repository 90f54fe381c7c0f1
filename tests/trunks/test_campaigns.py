"""Voice campaigns' services against the sandbox: the list as stored, the dispatch at the
rate, opt-outs at upload and at dial time, a call never placed twice, pause, resume and
cancel, the calls followed to their end and matched to their call records."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from messaging.models import Contact
from portal.models import AuditEntry
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixServerError
from sandbox.wavix.models import SandboxVoiceCampaign
from trunks import contact_lists
from trunks.models import CampaignContact, VoiceCampaign
from trunks.services import campaigns, cdrs, dialer

from .campaign_helpers import fast, numbers, opt_out, start, statuses, tick

pytestmark = pytest.mark.django_db


def reload(campaign) -> VoiceCampaign:
    return VoiceCampaign._base_manager.get(pk=campaign.pk)


def end_calls() -> None:
    """The sandbox's calls in progress reach their end now."""
    SandboxVoiceCampaign.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    with scopes_disabled():
        CampaignContact.objects.filter(placed_at__isnull=False).update(
            placed_at=timezone.now() - timedelta(seconds=10)
        )


def test_the_list_is_stored_with_opted_out_and_invalid_numbers_skipped_and_named(voice):
    opt_out(voice.tenant, "14155550001")
    with scope(tenant=voice.tenant):
        Contact.objects.create(tenant=voice.tenant, number="14155550002", name="Dana Scully")
    data = (
        b"number,name\n+1 415 555 0000,Fox\n14155550001,\n14155550002,\n12ab,Bad\n"
        b"+14155550000,Dup\n"
    )
    campaign = start(voice, contact_lists.read_csv(data))

    campaign = reload(campaign)
    assert (campaign.total, campaign.queued, campaign.skipped) == (4, 2, 2)
    with scopes_disabled():
        rows = {c.number: c for c in CampaignContact.objects.filter(campaign=campaign)}
    assert rows["14155550001"].reason == campaigns.OPTED_OUT
    assert rows["12ab"].reason.startswith("Line 5: “12ab” has characters other than digits")
    assert rows["14155550002"].name == "Dana Scully" and rows["14155550000"].name == "Fox"
    assert AuditEntry._base_manager.filter(object_repr="Reminders", action="create").exists()


def test_a_flow_not_allowed_or_a_caller_id_not_the_tenants_is_refused(voice):
    other = campaigns.callflow_save(account=voice.account, wavix_id=102, label="Payment due")
    with scope(tenant=voice.tenant), pytest.raises(ValidationError) as flow_error:
        campaigns.campaign_create(
            tenant=voice.tenant,
            user=None,
            flow=other,
            caller_id=voice.caller,
            rate=10,
            name="x",
            contacts=contact_lists.read_entries([("14155550000", "")]),
        )
    assert "not available to Acme Telecom" in str(flow_error.value)
    with scope(tenant=voice.tenant), pytest.raises(ValidationError) as caller_error:
        campaigns.campaign_create(
            tenant=voice.tenant,
            user=None,
            flow=voice.flow,
            caller_id=14155559999,
            rate=10,
            name="x",
            contacts=contact_lists.read_entries([("14155550000", "")]),
        )
    assert "+14155559999 is not one of Acme Telecom's active numbers" in str(caller_error.value)
    with scope(tenant=voice.tenant), pytest.raises(ValidationError) as rate_error:
        campaigns.campaign_create(
            tenant=voice.tenant,
            user=None,
            flow=voice.flow,
            caller_id=voice.caller,
            rate=61,
            name="x",
            contacts=contact_lists.read_entries([("14155550000", "")]),
        )
    assert "rate" in rate_error.value.error_dict
    with scopes_disabled():
        assert not VoiceCampaign.objects.exists()


@pytest.mark.parametrize(("per_minute", "placed"), [(60, 1), (600, 10)])
def test_a_tick_places_only_what_the_rate_allows(voice, per_minute, placed):
    campaign = start(voice, numbers(30))
    VoiceCampaign._base_manager.filter(pk=campaign.pk).update(rate=per_minute)  # 600: the bench's
    dialer.rate.limiter().reset(dialer.limiter_key(campaign.pk), per_minute / 60)
    voice.ticks.messages.clear()

    assert tick(campaign) == "continuing"

    assert SandboxVoiceCampaign.objects.count() == placed
    campaign = reload(campaign)
    assert (campaign.calling, campaign.queued) == (placed, 30 - placed)
    ((args, countdown),) = voice.ticks.messages
    # the next tick comes when the rate has the next slot: within a second
    assert args == (campaign.pk, None, campaign.tick) and dialer.MIN_COUNTDOWN <= countdown <= 1


def test_the_wait_for_the_next_slot_follows_the_calls_in_progress(voice, monkeypatch):
    """At 60 a minute a tick waits a second between calls: it asks Wavix about the call in
    progress meanwhile, not only once its time is up (the rate would lose that time)."""
    import time

    monkeypatch.setattr(dialer.CampaignRunner, "tick_seconds", 1.6)
    monkeypatch.setattr(dialer.CampaignRunner, "sleep", staticmethod(time.sleep))
    monkeypatch.setattr(dialer, "POLL_AFTER", timedelta(0))
    campaign = start(voice, numbers(5), rate_per_minute=60)

    assert tick(campaign) == "continuing"

    with scopes_disabled():
        first, second = CampaignContact.objects.filter(campaign=campaign).order_by("pk")[:2]
    assert first.polled_at is not None and second.placed_at is not None
    assert first.polled_at <= second.placed_at  # polled while waiting for the second's slot


def test_a_number_that_opted_out_after_the_upload_is_skipped_before_dialling(voice):
    campaign = start(voice, ["14155550010", "14155550011"])
    fast(campaign)
    opt_out(voice.tenant, "14155550011", sender=str(voice.caller))

    tick(campaign)

    assert statuses(campaign) == {"14155550010": "calling", "14155550011": "skipped"}
    assert list(SandboxVoiceCampaign.objects.values_list("contact", flat=True)) == ["14155550010"]


def test_an_unknown_outcome_fails_the_contact_and_it_is_never_called_again(voice, monkeypatch):
    posts = []

    def no_answer(self, callflow_id, contact, caller_id):
        posts.append(contact)
        raise WavixServerError(
            "upstream timeout", status=504, method="POST", path="/v1/voice-campaigns"
        )

    monkeypatch.setattr(WavixClient, "trigger_voice_campaign", no_answer)
    campaign = start(voice, ["14155550020"])

    assert tick(campaign) == "succeeded"
    tick(campaign)

    assert posts == ["14155550020"]
    with scopes_disabled():
        contact = CampaignContact.objects.get(campaign=campaign)
    assert contact.status == "failed" and contact.reason.startswith("Outcome unknown")


def test_a_claimed_contact_whose_worker_was_lost_fails_as_unknown(voice):
    campaign = start(voice, ["14155550030"])
    with scopes_disabled():
        CampaignContact.objects.filter(campaign=campaign).update(
            status="calling", placed_at=timezone.now() - timedelta(minutes=5)
        )
    tick(campaign)
    assert statuses(campaign) == {"14155550030": "failed"}
    assert SandboxVoiceCampaign.objects.count() == 0


def test_pause_stops_dispatch_and_resume_goes_on(voice):
    campaign = start(voice, numbers(3), rate_per_minute=60)
    with scope(tenant=voice.tenant):
        campaigns.campaign_pause(campaign=campaign)
    voice.ticks.messages.clear()

    tick(campaign)

    assert SandboxVoiceCampaign.objects.count() == 0
    assert reload(campaign).state == "Paused" and voice.ticks.messages == []
    with scope(tenant=voice.tenant):
        campaigns.campaign_resume(campaign=reload(campaign))
    tick(campaign)
    assert SandboxVoiceCampaign.objects.count() == 1
    changes = AuditEntry._base_manager.filter(object_repr="Reminders", action="update").count()
    assert changes == 2  # paused, then resumed


def test_a_stale_tick_of_an_older_chain_does_nothing(voice):
    campaign = start(voice, numbers(2))
    assert dialer.campaign_tick(campaign.pk, tick=reload(campaign).tick + 5) == "skipped"
    assert SandboxVoiceCampaign.objects.count() == 0


def test_the_calls_are_followed_to_their_end_and_matched_to_their_call_records(voice):
    # 14155550100 never answers in the sandbox; 14155550113 is busy.
    campaign = start(voice, ["14155550100", "14155550113", "14155550120"])
    fast(campaign)
    tick(campaign)
    assert reload(campaign).calling == 3
    end_calls()

    assert tick(campaign) == "succeeded"

    campaign = reload(campaign)
    assert campaign.state == "Completed" and campaign.calling == 0
    assert campaign.completed + campaign.failed == 3
    with scopes_disabled():
        rows = {c.number: c for c in CampaignContact.objects.filter(campaign=campaign)}
    busy = rows["14155550100"]
    assert busy.status == "failed" and busy.reason == "The call failed."

    cdrs.pull(account=voice.account, client=WavixClient.for_account(voice.account))

    with scopes_disabled():
        rows = {
            c.number: c
            for c in CampaignContact.objects.filter(campaign=campaign).select_related("cdr")
        }
    assert rows["14155550113"].cdr.disposition == "busy"
    assert rows["14155550100"].cdr.disposition == "noanswer"
    assert all(r.cdr.from_number == str(voice.caller) for r in rows.values())
    assert rows["14155550120"].cdr.tenant_id == voice.tenant.pk


def test_cancel_skips_the_contacts_not_called_yet(voice):
    campaign = start(voice, numbers(3))
    tick(campaign)
    with scope(tenant=voice.tenant):
        campaigns.campaign_cancel(campaign=reload(campaign))
    campaign = reload(campaign)
    assert (campaign.calling, campaign.skipped) == (1, 2)
    assert campaign.state == "Cancelling"
    with scopes_disabled():
        reasons = set(
            CampaignContact.objects.filter(campaign=campaign, status="skipped").values_list(
                "reason", flat=True
            )
        )
    assert reasons == {campaigns.CANCELLED}
    end_calls()
    tick(campaign)
    assert reload(campaign).state == "Cancelled"
    with scope(tenant=voice.tenant), pytest.raises(ValidationError, match="cannot be resumed"):
        campaigns.campaign_resume(campaign=reload(campaign))


def test_a_flow_used_by_a_campaign_cannot_be_deleted(voice):
    start(voice, numbers(1))
    with pytest.raises(ValidationError, match="make it inactive"):
        campaigns.callflow_delete(flow=voice.flow)
