"""The demo's voice campaigns (`make run`): Acme may run two call flows, has a finished
campaign whose calls are its demo call records (each matched to its record, an opted-out
number and a bad row skipped) and a paused one that resumes and dials the sandbox."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from dids.services import sync_start
from portal.demo.campaigns import seed_demo_campaigns
from portal.wavix.client import WavixClient
from tenants.models import User
from trunks.models import CallFlow, CampaignContact, VoiceCampaign
from trunks.services import campaigns, cdrs, dialer

from ..conftest import login
from .campaign_helpers import fast, tick

pytestmark = pytest.mark.django_db


def seed_twice(account, run_tasks) -> str:
    """The demo as `make run` seeds it: seed_demo, the inventory synced and the call records
    pulled, then the campaigns (first_start's step), twice."""
    call_command("seed_demo", stdout=io.StringIO())
    with scopes_disabled():
        run_tasks(sync_start, account=account)
        cdrs.pull(account=account, client=WavixClient.for_account(account))
    out = io.StringIO()
    seed_demo_campaigns(account, out)
    seed_demo_campaigns(account, io.StringIO())  # running it again changes nothing
    return out.getvalue()


def test_the_demo_has_a_finished_campaign_matched_to_calls_and_a_paused_one(
    settings, sandbox_account, eager_celery, run_tasks, monkeypatch
):
    said = seed_twice(sandbox_account, run_tasks)
    assert "Demo voice campaigns: 2 call flows for Acme" in said
    with scopes_disabled():
        flows = CallFlow.objects.filter(tenants__slug="acme")
        assert sorted(flows.values_list("label", flat=True)) == [
            "Appointment reminder",
            "Customer survey",
        ]
        assert VoiceCampaign.objects.count() == 2
        finished = VoiceCampaign.objects.get(name="Appointment reminders, this week")
        paused = VoiceCampaign.objects.get(name="Survey, new customers")
        called = list(
            CampaignContact.objects.filter(
                campaign=finished, status__in=("completed", "failed")
            ).select_related("cdr")
        )
        skipped = list(CampaignContact.objects.filter(campaign=finished, status="skipped"))
    assert finished.state == "Completed" and paused.state == "Paused"
    assert finished.completed > 0 and finished.failed > 0 and finished.skipped == 2
    assert len(called) == finished.completed + finished.failed
    for contact in called:  # each call is its own record, from the campaign's caller ID
        assert contact.cdr.to_number == contact.number
        assert contact.cdr.from_number == str(finished.caller_id)
        assert (contact.status == "completed") == (contact.cdr.disposition == "answered")
    assert len({c.cdr_id for c in called}) == len(called)
    assert {c.reason.split(":")[0] for c in skipped} == {"Opted out", f"Line {len(called) + 3}"}
    assert (paused.queued, paused.total) == (4, 4)

    alice = login(User.objects.get(email="alice@acme.example"))
    page = alice.get(reverse("tenant:campaign_detail", args=["acme", finished.pk]))
    html = page.content.decode()
    assert "Completed" in html and "Opted out" in html
    first = next(c for c in called if c.status == "failed")
    assert reverse("tenant:cdr_detail", args=["acme", first.cdr_id]) in html
    assert first.reason in html
    listed = alice.get(reverse("tenant:campaign_list", args=["acme"])).content.decode()
    assert "Appointment reminders, this week" in listed and "Survey, new customers" in listed

    with scopes_disabled():
        campaigns.campaign_resume(campaign=paused)  # its tick is sent on commit: run one here
        monkeypatch.setattr(dialer, "send_tick", lambda *args, **kwargs: None)  # only this one
        fast(paused)
        tick(paused)
        paused = VoiceCampaign.objects.get(pk=paused.pk)
        placed = CampaignContact.objects.filter(campaign=paused, wavix_id__isnull=False).count()
    assert paused.state == "In progress" and placed == 4
