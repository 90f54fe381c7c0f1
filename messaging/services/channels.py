"""Channels: the provider accounts the portal sends and receives messages through. The Wavix
kind is one per Wavix account (it uses the account's API key); the other kinds (DIDWW,
Apidaze, HTTP gateways) keep their own settings (`config`) and credentials (encrypted), checked
by their provider, and send from the numbers attached to them (channel_numbers.py). Every
write is one transaction with its audit entry (the model's signals); resuming wakes the
channel's outbox on commit."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from portal.jobs.models import ACTIVE_STATES
from portal.models import WavixAccount
from portal.validation import full_clean

from .. import allowlist
from ..models import Channel, ChannelKind, Message, MessageSource, Outbox, new_token
from ..providers import provider_class
from .relay import relay_clear_account

# The settings a system administrator edits, with the bounds the form and the API share.
SETTINGS = (
    "name",
    "is_active",
    "rate",
    "validity_days",
    "max_segments",
    "media_text",
    "debug_log",
    "inbound_allowlist",
)
MIN_RATE, MAX_RATE = Decimal("0.01"), Decimal("100")
MAX_VALIDITY_DAYS = 14
MAX_SEGMENTS = 30
TOKENS = {"dlr": "dlr_token", "inbound": "inbound_token"}
PENDING = (Message.Status.QUEUED, Message.Status.SENDING)


def _check_settings(channel: Channel) -> None:
    errors: dict[str, str] = {}
    try:
        rate = Decimal(str(channel.rate))
    except (InvalidOperation, ValueError):
        rate = None
    cap = Decimal(str(provider_class(channel.kind).capabilities.max_rate))
    top = min(MAX_RATE, cap)
    if rate is None or not rate.is_finite() or not MIN_RATE <= rate <= top:
        errors["rate"] = (
            f"The sending rate “{channel.rate}” must be between {MIN_RATE} and {top} "
            "messages per second."
        )
    if not 1 <= int(channel.validity_days or 0) <= MAX_VALIDITY_DAYS:
        errors["validity_days"] = (
            f"Days to expire “{channel.validity_days}” must be between 1 and {MAX_VALIDITY_DAYS}."
        )
    if not 1 <= int(channel.max_segments or 0) <= MAX_SEGMENTS:
        errors["max_segments"] = (
            f"The maximum segments “{channel.max_segments}” must be between 1 and {MAX_SEGMENTS}."
        )
    try:
        networks = allowlist.parse(channel.inbound_allowlist)
    except allowlist.AllowlistError as exc:
        errors["inbound_allowlist"] = str(exc)
    else:
        # Stored one network per line, as the webhooks read it.
        channel.inbound_allowlist = "\n".join(str(n) for n in networks)
    taken = Channel.objects.filter(name=channel.name).exclude(pk=channel.pk).exists()
    if taken:
        errors["name"] = f"A channel named “{channel.name}” exists already; choose another name."
    if channel.kind == ChannelKind.WAVIX and channel.wavix_account_id is None:
        errors["wavix_account"] = "Choose the Wavix account this channel sends through."
    if channel.kind != ChannelKind.WAVIX and channel.wavix_account_id is not None:
        errors["wavix_account"] = "Only a Wavix channel sends through a Wavix account."
    if errors:
        raise ValidationError(errors)


def _save(channel: Channel) -> Channel:
    _check_settings(channel)
    full_clean(channel)
    channel.save()
    return channel


def _kind_settings(channel: Channel, config: dict | None, credentials: dict | None) -> None:
    """The kind's settings, checked by its provider: a credential left blank keeps the one
    stored (a secret is never shown again, so an edit does not retype it)."""
    if channel.kind == ChannelKind.WAVIX:
        return
    kept = channel.secrets()
    given = {k: v for k, v in (credentials or {}).items() if v not in (None, "")}
    base = dict(channel.config or {}) if config is None else dict(config)
    checked, secrets_ = provider_class(channel.kind).clean_settings(base, {**kept, **given})
    channel.config = checked
    channel.credentials = json.dumps(secrets_, separators=(",", ":")) if secrets_ else ""


@transaction.atomic
def channel_create(
    *,
    kind: str = ChannelKind.WAVIX,
    wavix_account: WavixAccount | None = None,
    config: dict | None = None,
    credentials: dict | None = None,
    numbers: str = "",
    **fields: Any,
) -> Channel:
    """A channel with fresh webhook tokens: a Wavix one on `wavix_account` (one per account),
    or one of another kind with its settings and the numbers attached to it (pool syntax)."""
    from .channel_numbers import channel_numbers_set

    unknown = set(fields) - set(SETTINGS)
    if unknown:
        raise TypeError(f"channel_create got unknown settings: {sorted(unknown)}")
    if kind not in ChannelKind.values:
        raise ValidationError({"kind": f"“{str(kind)[:20]}” is not a kind of channel."})
    if wavix_account is not None and Channel.objects.filter(wavix_account=wavix_account).exists():
        raise ValidationError(
            {
                "wavix_account": f"The Wavix account “{wavix_account}” already has a channel; "
                "a Wavix account has one channel."
            }
        )
    channel = Channel(kind=kind, wavix_account=wavix_account, **fields)
    _kind_settings(channel, config, credentials)
    _save(channel)
    if kind == ChannelKind.WAVIX:
        # The account's pooled SMS numbers start receiving here (those the inventory has).
        transaction.on_commit(lambda: _point_numbers(channel.pk))
    elif numbers:
        channel_numbers_set(channel=channel, text=numbers)
        channel.refresh_from_db()
    return channel


def _point_numbers(channel_id: int) -> None:
    from .relay import relay_fix_drift

    channel = Channel.objects.filter(pk=channel_id).select_related("wavix_account").first()
    if channel is not None:
        relay_fix_drift(channel=channel)


@transaction.atomic
def channel_update(
    *,
    channel: Channel,
    config: dict | None = None,
    credentials: dict | None = None,
    numbers: str | None = None,
    **fields: Any,
) -> Channel:
    """Changes the channel's settings (the ones given; for kinds other than Wavix also their
    own settings, credentials left blank kept, and the numbers attached). Pausing or resuming
    goes through `channel_pause` / `channel_resume`, which say why and wake the outbox."""
    from .channel_numbers import channel_numbers_set

    unknown = set(fields) - set(SETTINGS)
    if unknown:
        raise TypeError(f"channel_update got unknown settings: {sorted(unknown)}")
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    was_active = channel.is_active
    for name, value in fields.items():
        setattr(channel, name, value)
    if not channel.is_active and was_active and not channel.paused_reason:
        channel.paused_reason = "Paused by a system administrator."
    if channel.is_active:
        channel.paused_reason = ""
    if config is not None or credentials is not None:
        _kind_settings(channel, config, credentials)
    _save(channel)
    if numbers is not None and (numbers.strip() or channel.kind != ChannelKind.WAVIX):
        channel_numbers_set(channel=channel, text=numbers)
        channel.refresh_from_db()
    if channel.is_active and not was_active:
        _kick_on_commit(channel)
    return channel


def _kick_on_commit(channel: Channel) -> None:
    from .outbox import outbox_kick

    channel_id = channel.pk
    transaction.on_commit(lambda: outbox_kick(channel_id=channel_id))


@transaction.atomic
def channel_pause(*, channel: Channel, reason: str = "") -> Channel:
    """Pauses sending: new and queued messages stay queued (never dropped) until resumed or
    until their validity passes."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if not channel.is_active:
        return channel
    channel.is_active = False
    channel.paused_reason = (reason.strip() or "Paused by a system administrator.")[:255]
    return _save(channel)


@transaction.atomic
def channel_resume(*, channel: Channel) -> Channel:
    """Resumes sending; the queued messages go out at the channel's rate."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.is_active:
        return channel
    channel.is_active = True
    channel.paused_reason = ""
    _save(channel)
    _kick_on_commit(channel)
    return channel


@transaction.atomic
def channel_delete(*, channel: Channel) -> None:
    """Deletes a channel that has nothing waiting to go out (its numbers' inbound address on
    Wavix is cleared after). One with sent messages keeps their history: it cannot be deleted
    (pause it instead)."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    queued = Outbox.objects.filter(channel=channel, status__in=ACTIVE_STATES).count()
    if not queued:
        queued = Message._base_manager.filter(channel=channel, status__in=PENDING).count()
    if queued:
        raise ValidationError(
            f"“{channel}” still has {queued} message{'s' if queued != 1 else ''} queued to "
            "send; wait until they are sent (or expire), or pause the channel instead."
        )
    from .channel_numbers import channel_numbers_release

    account_id = channel.wavix_account_id
    try:
        with transaction.atomic():
            channel_numbers_release(channel=channel)
            channel.delete()
    except ProtectedError:
        raise ValidationError(
            f"“{channel}” has sent messages whose history refers to it, so it cannot be "
            "deleted; pause it instead."
        ) from None
    if account_id is not None:
        # Its numbers' inbound address on Wavix pointed here: cleared once it is gone.
        transaction.on_commit(lambda: relay_clear_account(account_id=account_id))


@transaction.atomic
def channel_rotate_token(*, channel: Channel, which: str = "dlr") -> Channel:
    """A new unguessable token for the channel's delivery-report (`dlr`) or inbound
    (`inbound`) webhook: the old URL answers 404 at once. The views point Wavix at the new one
    (`relay.relay_fix_drift`)."""
    if which not in TOKENS:
        raise ValidationError({"which": f"“{which}” is not a webhook; use dlr or inbound."})
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    setattr(channel, TOKENS[which], new_token())
    # Audited by the model's signal, the tokens masked (Channel.audit_masked_fields).
    channel.save(update_fields=[TOKENS[which], "updated_at"])
    return channel


def channel_set_error(*, channel_id: int, error: str) -> None:
    """The channel's last error (shown in the list), in a short write of its own."""
    from django.utils import timezone

    Channel.objects.filter(pk=channel_id).update(
        last_error=error[:255], last_error_at=timezone.now()
    )


# The test send -------------------------------------------------------------------------------

TEST_TEXT_LIMIT = 1600  # characters of a test message


def channel_numbers(channel: Channel):
    """The numbers a channel sends from: the SMS-enabled, active numbers of its Wavix
    account's inventory, or the numbers attached to it."""
    from dids.models import Did

    if channel.kind != ChannelKind.WAVIX:
        return Did.objects.filter(channel_link__channel=channel).order_by("number")
    if channel.wavix_account_id is None:
        return Did.objects.none()
    return Did.objects.filter(
        account_id=channel.wavix_account_id, sms_enabled=True, status=Did.Status.ACTIVE
    ).order_by("number")


@transaction.atomic
def channel_test_send(
    *, channel: Channel, sender: int | str, recipient: int | str, text: str, user=None
) -> Message:
    """Queues a test message from one of the channel's SMS-enabled numbers (no tenant; its
    page shows the provider's answer and each delivery report as they come)."""
    from django.utils import timezone

    from portal import phone

    from ..segments import count
    from .history import message_record
    from .outbox import outbox_enqueue

    errors: dict[str, str] = {}
    sender = str(sender).strip().lstrip("+")
    if not channel_numbers(channel).filter(number=phone.from_storage(sender) or 0).exists():
        errors["sender"] = (
            f"“{sender}” is not one of this channel's SMS-enabled numbers; choose one of them."
        )
    to, rule = phone.check(str(recipient))
    if rule:
        errors["recipient"] = rule
    text = text or ""
    if not text.strip():
        errors["text"] = "Write the text of the test message."
    elif len(text) > TEST_TEXT_LIMIT:
        errors["text"] = f"The text has {len(text)} characters; at most {TEST_TEXT_LIMIT}."
    counted = count(text) if "text" not in errors else None
    if counted is not None and counted.segments > channel.max_segments:
        errors["text"] = (
            f"The text takes {counted.segments} segments; this channel sends at most "
            f"{channel.max_segments}."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    message = Message(
        tenant=None,
        channel=channel,
        direction=Message.Direction.OUTBOUND,
        sender=sender,
        recipient=str(to),
        country=phone.region_of(to) or "",
        text=text,
        encoding=counted.encoding,
        segments=counted.segments,
        tag=f"test-{secrets.token_hex(12)}",
        source=MessageSource.TEST,
        created_by=user,
        created_at=now,
        expires_at=now + timedelta(days=channel.validity_days),
    )
    full_clean(message)
    message.save()
    message_record(message=message, status=Message.Status.QUEUED, reason="Test send queued.")
    outbox_enqueue(message=message)
    return message
