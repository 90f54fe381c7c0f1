"""Demo voice campaigns for Acme: two call flows it may run, a finished campaign whose calls
are Acme's demo call records (answered ones completed, the others failed with how the call
ended, each matched to its record; one opted-out number and one bad row skipped), and a
paused campaign of queued contacts that a visitor resumes to watch the sandbox dial it.
Seeded by `first_start` once the inventory is synced (a campaign's caller ID must be an
active number) and the demo's call records pulled. Idempotent: nothing is added once Acme has
a campaign."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.db.models import Count
from django_scopes import scopes_disabled

from portal import phone
from tenants.models import Tenant
from trunks.models import CallFlow, CampaignContact, Cdr, VoiceCampaign
from trunks.selectors import caller_id_choices
from trunks.services import campaigns
from trunks.services.dialer import OPTED_OUT, campaign_count, ended_reason

Status = CampaignContact.Status
FLOWS = (
    (101, "Appointment reminder", "Reads the appointment's date and offers to move it."),
    (102, "Customer survey", "Three questions answered on the keypad."),
)
CALLS = 12  # of Acme's demo call records, as the finished campaign's contacts
# Numbers the sandbox answers (it decides by the number: one ending in 13 is busy).
WAITING = [(f"1415555{1000 + i:04d}", name) for i, name in enumerate(("Ann", "Bob", "Cy", "Dee"))]


def seed_demo_campaigns(account, stdout: TextIO) -> None:
    with scopes_disabled(), transaction.atomic():
        tenant = Tenant.objects.filter(slug="acme").first()
        if tenant is None or VoiceCampaign.objects.filter(tenant=tenant).exists():
            return
        caller = _busiest_caller(tenant, account)
        taken = CallFlow.objects.filter(account=account, wavix_id__in=[f[0] for f in FLOWS])
        if caller is None or taken.exists():  # flows of those ids entered by hand: left alone
            return
        flows = [
            campaigns.callflow_save(
                account=account, wavix_id=wavix_id, label=label, description=text, tenants=[tenant]
            )
            for wavix_id, label, text in FLOWS
        ]
        admin = getattr(tenant.memberships.filter(role="admin").first(), "user", None)
        finished = _finished(tenant, flows[0], caller, admin)
        _paused(tenant, flows[1], caller, admin)
    done = (
        f"“{finished.name}” finished ({finished.completed} completed, {finished.failed} "
        f"failed, {finished.skipped} skipped), "
        if finished
        else ""
    )
    stdout.write(
        f"Demo voice campaigns: 2 call flows for Acme, {done}one paused, ready to resume.\n"
    )


def _busiest_caller(tenant, account) -> int | None:
    """The active number of Acme's that placed the most demo calls."""
    numbers = [str(n) for n in caller_id_choices(tenant, account).values_list("number", flat=True)]
    row = (
        Cdr.objects.filter(tenant=tenant, direction=Cdr.Direction.PLACED, from_number__in=numbers)
        .values("from_number")
        .annotate(n=Count("id"))
        .order_by("-n", "from_number")
        .first()
    )
    return int(row["from_number"]) if row else (int(numbers[0]) if numbers else None)


def _finished(tenant, flow, caller: int, admin) -> VoiceCampaign | None:
    calls, seen = [], set()
    for cdr in Cdr.objects.filter(
        tenant=tenant, direction=Cdr.Direction.PLACED, from_number=str(caller)
    ).order_by("started_at", "pk"):
        if cdr.to_number.isdigit() and cdr.to_number not in seen:
            seen.add(cdr.to_number)
            calls.append(cdr)
        if len(calls) == CALLS:
            break
    if not calls:
        return None  # no call records pulled: no finished campaign to show them
    first = calls[0].started_at
    last = max(c.started_at + timedelta(seconds=c.duration) for c in calls)
    campaign = VoiceCampaign.objects.create(
        tenant=tenant,
        flow=flow,
        name="Appointment reminders, this week",
        caller_id=caller,
        rate=10,
        created_by=admin,
        status=VoiceCampaign.Status.SUCCEEDED,
        started_at=first - timedelta(seconds=5),
        finished_at=last,
    )
    rows = []
    for line, cdr in enumerate(calls, start=2):
        answered = cdr.disposition == "answered"
        rows.append(
            CampaignContact(
                campaign=campaign,
                tenant=tenant,
                number=cdr.to_number,
                line=line,
                status=Status.COMPLETED if answered else Status.FAILED,
                reason="" if answered else ended_reason(cdr.disposition),
                wavix_id=900000 + cdr.pk,
                wavix_status="completed" if answered else cdr.disposition,
                placed_at=cdr.started_at,
                finished_at=cdr.started_at + timedelta(seconds=cdr.duration),
                cdr=cdr,
            )
        )
    line = len(calls) + 2
    rows.append(
        CampaignContact(
            campaign=campaign,
            tenant=tenant,
            number="14155550002",
            name="Opted-out customer",
            line=line,
            status=Status.SKIPPED,
            reason=OPTED_OUT,
            finished_at=first,
        )
    )
    rows.append(
        CampaignContact(
            campaign=campaign,
            tenant=tenant,
            number="call me maybe",
            line=line + 1,
            status=Status.SKIPPED,
            reason=f"Line {line + 1}: {phone.check('call me maybe')[1]}.",
            finished_at=first,
        )
    )
    CampaignContact.objects.bulk_create(rows)
    # started when its first call was placed, not when the demo was seeded
    VoiceCampaign._base_manager.filter(pk=campaign.pk).update(created_at=campaign.started_at)
    counts = campaign_count(campaign=campaign)
    campaign.note = (
        f"{counts['completed']} completed, {counts['failed']} failed, {counts['skipped']} skipped."
    )
    campaign.save(update_fields=["note"])
    return campaign


def _paused(tenant, flow, caller: int, admin) -> VoiceCampaign:
    campaign = VoiceCampaign.objects.create(
        tenant=tenant,
        flow=flow,
        name="Survey, new customers",
        caller_id=caller,
        rate=30,
        created_by=admin,
        paused=True,
    )
    CampaignContact.objects.bulk_create(
        CampaignContact(campaign=campaign, tenant=tenant, number=number, name=name, line=line)
        for line, (number, name) in enumerate(WAITING, start=2)
    )
    campaign_count(campaign=campaign)
    return campaign
