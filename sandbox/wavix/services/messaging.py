"""Sending and receiving SMS/MMS, and a message's life after it is accepted.

Recipients choose their fate, so every path can be tested: a number ending in 0000 is
undelivered, 0001 expires before it is sent, 0002 gets no delivery receipt (dlr_expired),
0003 is rejected by the carrier; any other number is delivered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import catalogue, numbering, payloads
from ..errors import ApiError
from ..models import (
    SandboxAccount,
    SandboxMessage,
    SandboxMessageEvent,
    SandboxNumber,
    SandboxOptOut,
    SandboxSenderId,
    SandboxWebhook,
)
from ..params import Invalid
from ..segments import count_segments
from .webhooks import webhook_create, webhooks_deliver_pending

ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
OPT_OUT_WORDS = frozenset({"STOP", "QUIT", "UNSUBSCRIBE"})
MAX_MEDIA = 5

# Statuses after "accepted", by the recipient's last four digits.
FATES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "0000": (("sent", None), ("undelivered", "Destination unreachable")),
    "0001": (("expired", "Validity period elapsed before the message was sent"),),
    "0002": (("sent", None), ("dlr_expired", "No delivery receipt from the carrier")),
    "0003": (("rejected", "Rejected by the carrier"),),
}
DELIVERED = (("sent", None), ("delivered", None))


@dataclass(frozen=True)
class Outbound:
    sender: str
    recipient: str
    text: str
    media: list[str] | None = None
    callback_url: str = ""
    validity: int | None = None
    tag: str | None = None


def sms_enabled_number(account: SandboxAccount, digits: str | None) -> SandboxNumber | None:
    if not digits:
        return None
    return SandboxNumber.objects.filter(
        account=account, number=digits, sms_enabled=True, status=SandboxNumber.Status.ACTIVE
    ).first()


def _check_sender(account: SandboxAccount, sender: str, country: str) -> str:
    digits = numbering.normalize(sender)
    if sender.lstrip("+").isdigit():
        if sms_enabled_number(account, digits) is None:
            raise Invalid("from", "must be an SMS-enabled number of the account", sender)
        return digits
    if not ALPHANUMERIC_SENDER.fullmatch(sender):
        raise Invalid(
            "from", "must be up to 11 ASCII letters, digits and spaces, or a number", sender
        )
    if country in catalogue.ALPHANUMERIC_NOT_ALLOWED:
        raise Invalid(
            "from", "alphanumeric sender IDs cannot send to US or Canadian numbers", sender
        )
    registered = SandboxSenderId.objects.filter(
        account=account, sender_id=sender, type=SandboxSenderId.Type.ALPHANUMERIC
    ).first()
    if registered is None:
        raise Invalid("from", "is not a sender ID registered on the account", sender)
    if country not in registered.allowlisted_in:
        raise Invalid("from", f"is not allowlisted in {country}", sender)
    return sender


def _price(country: str, segments: int, mms: bool) -> tuple[Decimal, Decimal]:
    if mms:
        return catalogue.MMS_PRICE, Decimal(0)
    per_segment = catalogue.SMS_PRICE.get(country, catalogue.SMS_PRICE_ELSEWHERE)
    fee = catalogue.CARRIER_FEE.get(country, Decimal(0))
    return per_segment * segments, fee * segments


def _opted_out(account: SandboxAccount, recipient: str, sender: str) -> bool:
    return SandboxOptOut.objects.filter(
        Q(sender_id__isnull=True) | Q(sender_id=sender), account=account, phone_number=recipient
    ).exists()


def message_send(*, account: SandboxAccount, outbound: Outbound) -> SandboxMessage:
    recipient = numbering.normalize(outbound.recipient)
    country = numbering.country_of(recipient) if recipient else None
    if country is None:
        raise Invalid("to", "must be a valid phone number in E.164 format", outbound.recipient)
    sender = _check_sender(account, outbound.sender, country)
    mms = bool(outbound.media)
    if mms and (not sender.isdigit() or country not in ("US", "CA")):
        raise Invalid(
            "message_body.media",
            "MMS can be sent only to US and Canadian numbers from a numeric sender",
            outbound.media,
        )
    if not outbound.text and not mms:
        raise Invalid("message_body.text", "must not be empty", outbound.text)
    segments = 1 if mms else count_segments(outbound.text).segments
    charge, carrier_fees = _price(country, segments, mms)
    mcc, mnc = catalogue.OPERATOR_CODES.get(country, (None, None))
    rejected = _opted_out(account, recipient, sender)
    message = SandboxMessage(
        account=account,
        direction=SandboxMessage.Direction.OUTBOUND,
        message_type="mms" if mms else "sms",
        sender=sender,
        recipient=recipient,
        text=outbound.text,
        media=outbound.media,
        callback_url=outbound.callback_url,
        validity=outbound.validity,
        tag=outbound.tag,
        status="rejected" if rejected else "accepted",
        error_message="Recipient has opted out" if rejected else None,
        segments=segments,
        charge=Decimal(0) if rejected else charge,
        carrier_fees=Decimal(0) if rejected else carrier_fees,
        mcc=mcc,
        mnc=mnc,
        submitted_at=timezone.now(),
    )
    with transaction.atomic():
        message.full_clean()
        message.save()
        _record(message)
        transaction.on_commit(lambda: _enqueue_progress(message.pk))
    return message


def _dlr_url(message: SandboxMessage) -> str:
    return message.callback_url or message.account.dlr_relay_url


def _record(message: SandboxMessage) -> None:
    """The status history entry and, when someone listens, the delivery report for it."""
    SandboxMessageEvent.objects.create(
        message=message,
        status=message.status,
        at=timezone.now(),
        error=message.error_message or "",
    )
    url = _dlr_url(message)
    if url:
        webhook_create(
            message=message,
            kind=SandboxWebhook.Kind.DELIVERY_REPORT,
            url=url,
            payload=payloads.delivery_report(message),
        )


def _enqueue_progress(message_id) -> None:
    from ..tasks import progress_message

    progress_message.apply_async((str(message_id),), countdown=1)


def message_advance(*, message_id) -> bool:
    """Posts the reports not yet sent, then moves the message one carrier step on (reporting
    it). True while a final status is still to come."""
    message = SandboxMessage.objects.select_related("account").get(pk=message_id)
    webhooks_deliver_pending(message=message)
    with transaction.atomic():
        message = SandboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status in payloads.FINAL_STATUSES:
            return False
        done = list(message.events.values_list("status", flat=True))
        fate = FATES.get(message.recipient[-4:], DELIVERED)
        status, error = next(step for step in fate if step[0] not in done)
        now = timezone.now()
        message.status, message.error_message = status, error
        if status == "sent":
            message.sent_at = now
        if status in payloads.FINAL_STATUSES:
            message.delivered_at = now
        message.save()
        _record(message)
    webhooks_deliver_pending(message=message)
    return message.status not in payloads.FINAL_STATUSES


def message_run_to_final(*, message_id) -> SandboxMessage:
    """Every remaining step at once, for tests and the command line."""
    while message_advance(message_id=message_id):
        pass
    return SandboxMessage.objects.get(pk=message_id)


def message_receive(
    *,
    account: SandboxAccount,
    to: str,
    sender: str,
    text: str,
    media: list[str] | None = None,
    enqueue: bool = True,
) -> SandboxMessage:
    """An inbound SMS/MMS reaching one of the account's numbers (an operator action). With
    enqueue off the caller posts the webhook itself (webhooks_deliver_pending)."""
    digits = numbering.normalize(to)
    number = SandboxNumber.objects.filter(account=account, number=digits).first()
    if number is None:
        raise ApiError(404, f"Number {to} not found on the account")
    if not number.sms_enabled:
        raise ApiError(422, f"Number {to} is not SMS-enabled")
    origin = numbering.normalize(sender)
    if origin is None:
        raise Invalid("from", "must be a phone number in E.164 format", sender)
    if media is not None and len(media) > MAX_MEDIA:
        raise Invalid("media", f"must have at most {MAX_MEDIA} items", len(media))
    now = timezone.now()
    segments = 1 if media else count_segments(text).segments
    message = SandboxMessage(
        account=account,
        direction=SandboxMessage.Direction.INBOUND,
        message_type="mms" if media else "sms",
        sender=origin,
        recipient=number.number,
        text=text,
        media=media or None,
        status="delivered",
        segments=segments,
        charge=number.sms_price * segments,
        submitted_at=now,
        sent_at=now,
        delivered_at=now,
    )
    with transaction.atomic():
        message.full_clean()
        message.save()
        if text.strip().upper() in OPT_OUT_WORDS:
            # Wavix itself treats these words as an opt-out from this sender.
            SandboxOptOut.objects.get_or_create(
                account=account, phone_number=origin, sender_id=number.number
            )
        url = number.sms_relay_url or account.sms_relay_url
        if url:
            webhook = webhook_create(
                message=message,
                kind=SandboxWebhook.Kind.INBOUND,
                url=url,
                payload=payloads.inbound_message(message),
            )
            if enqueue:
                transaction.on_commit(lambda: _enqueue_webhook(webhook.pk))
    return message


def _enqueue_webhook(webhook_id: int) -> None:
    from ..tasks import deliver_webhook

    deliver_webhook.delay(webhook_id)
