"""Voice campaigns: the call flows system administrators enter (Wavix has no list of them),
and a tenant's campaigns of a flow to a list of contacts (create, pause, resume, cancel). The
calls are placed by the dispatcher (`dialer.py`), a job on the runner, never by a view.

A campaign is created in one service call whatever the list's length: the names of known
contacts and the opt-outs are read in one query each, the contacts inserted in one bulk
insert. Opted-out numbers (the tenant's opt-outs of all its senders, or of the caller ID) and
numbers that are not numbers are kept as skipped rows with the reason, so the tenant sees them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from messaging import selectors as messaging_selectors
from portal import phone
from portal.validation import full_clean
from tenants.models import Tenant, User

from .. import selectors
from ..contact_lists import ContactList
from ..models import CallFlow, CampaignContact, VoiceCampaign
from .dialer import OPTED_OUT, CampaignRunner, campaign_count

CANCELLED = "Cancelled before the call was placed."

# --- call flows (system administrators) ------------------------------------------------------


@transaction.atomic
def callflow_save(
    *,
    flow: CallFlow | None = None,
    account=None,
    wavix_id: int,
    label: str,
    description: str = "",
    tenants: list[Tenant] | None = None,
    is_active: bool = True,
) -> CallFlow:
    """Creates or changes a call flow (its account is fixed once created: its campaigns ran
    there). Audited by the model's signals, the allowed tenants included."""
    flow = flow or CallFlow(account=account)
    flow.wavix_id, flow.label, flow.description = wavix_id, label.strip(), description.strip()
    flow.is_active = is_active
    full_clean(flow)
    flow.save()
    if tenants is not None:
        flow.tenants.set(tenants)
    return flow


@transaction.atomic
def callflow_delete(*, flow: CallFlow) -> CallFlow:
    """Deletes a flow no campaign has used; a used one can only be made inactive (its
    campaigns' history names it)."""
    used = VoiceCampaign._base_manager.filter(flow=flow).count()
    if used:
        raise ValidationError(
            {
                "flow": f"“{flow}” was used by {used} campaign(s): make it inactive instead "
                "of deleting it, so their history keeps its name."
            }
        )
    flow.delete()
    return flow


# --- campaigns ------------------------------------------------------------------------------


def parse_caller_id(text: str) -> int:
    """The caller ID as typed (with its country code), or a ValidationError naming it."""
    number, why = phone.check(str(text or ""))
    if why:
        raise ValidationError({"caller_id": [f"The caller ID {why}."]})
    return number


def _check_choice(tenant: Tenant, flow: CallFlow, caller_id: int) -> None:
    errors: dict[str, list[str]] = {}
    if not selectors.allowed_flows(tenant).filter(pk=flow.pk).exists():
        errors["flow"] = [f"The call flow “{flow.label}” is not available to {tenant.name}."]
    elif not selectors.caller_id_choices(tenant, flow.account).filter(number=caller_id).exists():
        errors["caller_id"] = [
            f"+{caller_id} is not one of {tenant.name}'s active numbers on the flow's Wavix "
            "account: choose a number of your pool that is active."
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *,
    tenant: Tenant,
    user: User | None,
    flow: CallFlow,
    caller_id: int,
    rate: int,
    name: str,
    contacts: ContactList,
) -> VoiceCampaign:
    """A campaign of `flow` to `contacts`, queued for the dispatcher; every contact a row."""
    campaign = VoiceCampaign(
        tenant=tenant,
        flow=flow,
        caller_id=caller_id,
        rate=rate,
        name=name.strip(),
        created_by=user,
    )
    full_clean(campaign)
    _check_choice(tenant, flow, caller_id)
    if not contacts.rows:
        raise ValidationError({"contacts": ["The list has no contacts."]})
    numbers = [r.number for r in contacts.good]
    opted_out = messaging_selectors.opted_out_among(
        tenant=tenant, sender=str(caller_id), recipients=numbers
    )
    names = messaging_selectors.contact_names(tenant=tenant, numbers=numbers)
    campaign.save()
    rows = [_contact(campaign, row, opted_out, names) for row in contacts.rows]
    CampaignContact.objects.bulk_create(rows)
    campaign_count(campaign=campaign)
    _kick(campaign)
    return campaign


def _contact(campaign: VoiceCampaign, row, opted_out: set[str], names: dict) -> CampaignContact:
    contact = CampaignContact(
        campaign=campaign,
        tenant_id=campaign.tenant_id,
        number=row.number,
        name=row.name or names.get(row.number, ""),
        line=row.line,
    )
    if row.reason:
        contact.status, contact.reason = CampaignContact.Status.SKIPPED, row.reason[:300]
    elif row.number in opted_out:
        contact.status, contact.reason = CampaignContact.Status.SKIPPED, OPTED_OUT
    return contact


def _kick(campaign: VoiceCampaign) -> None:
    """The dispatcher's next tick, when this transaction commits (not tied to a chain: the
    tick it sends is taken by whichever run claims the campaign next)."""
    CampaignRunner.enqueue(campaign.pk)


def _locked(campaign: VoiceCampaign) -> VoiceCampaign:
    return VoiceCampaign.objects.select_for_update().get(pk=campaign.pk)


@transaction.atomic
def campaign_pause(*, campaign: VoiceCampaign) -> VoiceCampaign:
    """No new call is placed until resumed; the calls in progress go on and are followed."""
    campaign = _locked(campaign)
    if not campaign.can_pause:
        raise ValidationError(
            {"campaign": f"“{campaign}” is {campaign.state.lower()}: it cannot be paused."}
        )
    campaign.paused = True
    campaign.save(update_fields=["paused"])
    return campaign


@transaction.atomic
def campaign_resume(*, campaign: VoiceCampaign) -> VoiceCampaign:
    campaign = _locked(campaign)
    if not campaign.can_resume:
        raise ValidationError(
            {"campaign": f"“{campaign}” is {campaign.state.lower()}: it cannot be resumed."}
        )
    campaign.paused = False
    campaign.save(update_fields=["paused"])
    _kick(campaign)
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign: VoiceCampaign) -> VoiceCampaign:
    """The contacts not called yet are skipped; calls already in progress end on their own
    and are still followed to their outcome."""
    campaign = _locked(campaign)
    if not campaign.can_cancel:
        raise ValidationError(
            {"campaign": f"“{campaign}” is {campaign.state.lower()}: it cannot be cancelled."}
        )
    now = timezone.now()
    campaign.cancelled_at = now
    campaign.save(update_fields=["cancelled_at"])
    CampaignContact.objects.filter(campaign=campaign, status=CampaignContact.Status.QUEUED).update(
        status=CampaignContact.Status.SKIPPED, reason=CANCELLED, finished_at=now
    )
    campaign_count(campaign=campaign)
    _kick(campaign)
    return campaign
