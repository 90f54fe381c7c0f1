"""Wavix's Campaign builder API as the sandbox plays it: a few call flows every sandbox
account has (built "on Wavix's site"), a call placed per `POST /v1/voice-campaigns`, and its
end a few seconds later: completed (answered) or failed (no answer, busy), decided by the
contact's number so a test knows the outcome, with a call record the CDR list returns."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .. import numbering
from ..errors import ApiError
from ..models import SandboxAccount, SandboxCdr, SandboxNumber, SandboxVoiceCampaign
from ..params import Invalid

# Approved call flows of every sandbox account: {id: name}.
CALL_FLOWS = {101: "Appointment reminder", 102: "Payment due", 103: "Delivery survey"}
CALL_SECONDS = 3  # how long a call is "in progress" before it ends
PER_MINUTE = Decimal("0.0120")


def outcome_of(contact: str) -> tuple[str, str, int]:
    """(status, disposition, duration) of a call to `contact`: deterministic, about 7 in 10
    answered. A number ending in 13 is always busy, one ending in 00 never answers, so tests
    and demos can choose."""
    if contact.endswith("13"):
        return "failed", "busy", 0
    if contact.endswith("00"):
        return "failed", "noanswer", 0
    digest = int(hashlib.sha256(contact.encode()).hexdigest()[:8], 16)
    if digest % 10 < 7:
        return "completed", "answered", 15 + digest % 90
    return "failed", "noanswer" if digest % 2 else "busy", 0


def place_call(
    *, account: SandboxAccount, callflow_id: int, caller_id: str, contact: str, callback_url: str
) -> SandboxVoiceCampaign:
    if callflow_id not in CALL_FLOWS:
        raise Invalid(
            "voice_campaign.callflow_id",
            "is not an approved call flow of the account",
            callflow_id,
        )
    caller = numbering.normalize(caller_id)
    if (
        not caller
        or not SandboxNumber.objects.filter(
            account=account, number=caller, status=SandboxNumber.Status.ACTIVE
        ).exists()
    ):
        raise Invalid(
            "voice_campaign.caller_id", "must be an active phone number on your account", caller_id
        )
    callee = numbering.normalize(contact)
    if not callee or not 8 <= len(callee) <= 15:
        raise Invalid("voice_campaign.contact", "must be an E.164 phone number", contact)
    now = timezone.now()
    return SandboxVoiceCampaign.objects.create(
        account=account,
        callflow_id=callflow_id,
        caller_id=caller,
        contact=callee,
        callback_url=callback_url or "",
        created_at=now,
        ends_at=now + dt.timedelta(seconds=CALL_SECONDS),
    )


def call_of(account: SandboxAccount, campaign_id: int) -> SandboxVoiceCampaign:
    finish_due(account)
    call = SandboxVoiceCampaign.objects.filter(account=account, pk=campaign_id).first()
    if call is None:
        raise ApiError(404, "Record not found")
    return call


def finish_due(account: SandboxAccount) -> int:
    """Ends the account's calls whose time has come: their status and their call record."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            SandboxVoiceCampaign.objects.select_for_update()
            .filter(account=account, status="in_progress", ends_at__lte=now)
            .order_by("pk")
        )
        for call in due:
            status, disposition, duration = outcome_of(call.contact)
            call.cdr = SandboxCdr.objects.create(
                account=account,
                direction=SandboxCdr.Direction.PLACED,
                date=call.created_at,
                caller=call.caller_id,
                callee=call.contact,
                disposition=disposition,
                duration=duration,
                destination=numbering.country_of(call.contact) or "",
                per_minute=PER_MINUTE,
                charge=(PER_MINUTE * duration / 60).quantize(Decimal("0.0001")),
                answered_by="human" if duration else None,
            )
            call.status = status
            call.save(update_fields=["status", "cdr"])
    return len(due)
