"""Helpers of the voice-campaign tests (the `voice` fixture is in conftest.py)."""

from django_scopes import scope, scopes_disabled

from messaging import rate
from messaging.models import OptOut
from trunks import contact_lists
from trunks.models import CampaignContact, VoiceCampaign
from trunks.services import campaigns, dialer


def contacts_of(*numbers: str) -> contact_lists.ContactList:
    return contact_lists.read_entries((n, "") for n in numbers)


def start(voice, numbers, *, rate_per_minute=60, user=None) -> VoiceCampaign:
    with scope(tenant=voice.tenant):
        campaign = campaigns.campaign_create(
            tenant=voice.tenant,
            user=user,
            flow=voice.flow,
            caller_id=voice.caller,
            rate=rate_per_minute,
            name="Reminders",
            contacts=numbers
            if isinstance(numbers, contact_lists.ContactList)
            else contacts_of(*numbers),
        )
    rate.limiter().reset(dialer.limiter_key(campaign.pk), rate_per_minute / 60)
    return campaign


def opt_out(tenant, number: str, sender: str = "") -> None:
    with scope(tenant=tenant):
        OptOut.objects.create(tenant=tenant, recipient=number, sender=sender)


def statuses(campaign) -> dict[str, str]:
    with scopes_disabled():
        return dict(
            CampaignContact.objects.filter(campaign=campaign).values_list("number", "status")
        )


def tick(campaign) -> str:
    return dialer.campaign_tick(campaign.pk)


def numbers(count: int, start: int = 14155550000) -> list[str]:
    return [str(start + i) for i in range(count)]


def fast(campaign) -> None:
    """600 calls a minute (the bench's rate, above the form's 60): ten calls per tick."""
    VoiceCampaign._base_manager.filter(pk=campaign.pk).update(rate=600)
    rate.limiter().reset(dialer.limiter_key(campaign.pk), 10)
