"""Delivery reports and the status lookup: what a provider says happened to a message moves it
forward (never back: `message_advance`), whether it came by webhook or because we asked.

A report is found by our `tag` first (sent with the message, so even a send whose answer was
lost is found), then by the provider's id on the channel. A duplicate or late report changes
nothing; the webhook event keeps a note saying so. A report for a message we do not know is
answered (Wavix would retry it otherwise), logged, and kept as an ignored event.

A provider whose reports carry only its id (DIDWW, a gateway; not Wavix, whose reports carry
our tag) can report before the send's answer, and so the id, is recorded: such a report waits,
looked at again every EARLY_RETRY seconds for EARLY_WINDOW, before it is ignored.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from ..models import Channel, Message, MessageEvent, WebhookEvent
from ..providers import provider_for
from ..providers.base import DeliveryReport, SendResult
from ..providers.errors import BadPayload, ProviderError
from .history import message_advance

log = logging.getLogger(__name__)

LOOKUP_BATCH = 200  # messages looked up per run of the periodic task
EARLY_WINDOW = timedelta(minutes=10)  # an id-only report waits this long for its message
EARLY_RETRY = 20  # seconds between looks meanwhile (then the beat's sweep looks)
LOOKING_UP = (Message.Status.ACCEPTED, Message.Status.SENT)


def _find(channel: Channel, *, tag: str, provider_id: str | None) -> Message | None:
    messages = Message._base_manager.filter(channel=channel, direction=Message.Direction.OUTBOUND)
    if tag:
        found = messages.filter(tag=tag).first()
        if found is not None:
            return found
    if provider_id:
        return messages.filter(provider_id=provider_id).first()
    return None


def _report_fields(message: Message, report: DeliveryReport | SendResult) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "provider_segments": report.segments,
        "charge": report.charge,
        "carrier_fees": report.carrier_fees,
    }
    if not message.provider_id and report.provider_id:
        fields["provider_id"] = report.provider_id
    if report.status == Message.Status.ACCEPTED and message.accepted_at is None:
        fields["accepted_at"] = getattr(report, "at", None) or timezone.now()
    return {name: value for name, value in fields.items() if value is not None}


def report_apply(
    *, channel: Channel, report: DeliveryReport, source: str = MessageEvent.Source.REPORT
) -> Message | None:
    """Moves the message the report is about forward and fills in what the provider counted
    (its id, segments, charge, carrier fees). The message, re-read, with `report_applied`
    saying whether it moved; None when no message of the channel has this tag or id."""
    with scopes_disabled():
        message = _find(channel, tag=report.tag, provider_id=report.provider_id)
        if message is None:
            return None
        moved = message_advance(
            message_id=message.pk,
            status=report.status,
            source=source,
            reason=report.reason,
            detail=report.raw or None,
            at=report.at,
            fields=_report_fields(message, report),
        )
        message = Message._base_manager.get(pk=message.pk)
    message.report_applied = moved
    return message


def _note(message: Message | None, report: DeliveryReport) -> tuple[str, str]:
    """(the event's state, its note)."""
    if message is None:
        return WebhookEvent.State.IGNORED, (
            f"No message of this channel has the id {report.provider_id!r}"
            + (f" or the tag {report.tag!r}" if report.tag else "")
            + "; the report was kept and nothing changed."
        )
    if message.report_applied:
        return WebhookEvent.State.PROCESSED, f"Message {message.pk} is now {message.status}."
    return WebhookEvent.State.PROCESSED, (
        f"Duplicate or late report ({report.status}): message {message.pk} is already "
        f"{message.status}; nothing changed."
    )


def dlr_event_process(*, event_id: int) -> str:
    """Applies a stored delivery-report event once (a second run finds it processed). Its
    state: processed, ignored (no such message) or failed (a body that no longer parses)."""
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(of=("self",))  # not the channel's row
            .select_related("channel")
            .filter(pk=event_id, kind=WebhookEvent.Kind.DELIVERY_REPORT)
            .first()
        )
        if event is None or event.state != WebhookEvent.State.RECEIVED:
            return event.state if event is not None else "missing"
        try:
            provider = provider_for(event.channel)
            report = provider.parse_delivery_report(provider.load(event.body))
        except (BadPayload, LookupError) as exc:
            state, note, message = WebhookEvent.State.FAILED, str(exc), None
        else:
            message = report_apply(channel=event.channel, report=report)
            state, note = _note(message, report)
            if message is None and _may_be_early(event, provider):
                state = WebhookEvent.State.RECEIVED
                note = (
                    f"No message has the id {report.provider_id!r} yet (the send's answer may "
                    "not be recorded yet): looked at again shortly."
                )
                transaction.on_commit(lambda: _again(event_id))
            elif message is None:
                log.info("delivery report on channel %s for an unknown message", event.channel_id)
        event.state, event.note, event.message = state, note[:255], message
        if state != WebhookEvent.State.RECEIVED:
            event.processed_at = timezone.now()
        event.save(update_fields=["state", "note", "message", "processed_at"])
    return state


def _may_be_early(event: WebhookEvent, provider) -> bool:
    recent = timezone.now() - event.received_at < EARLY_WINDOW
    return recent and not provider.capabilities.reports_carry_tag


def _again(event_id: int) -> None:
    from .markers import runs_inline

    if runs_inline():
        return  # run inline it would look again at once: the beat's sweep looks later
    from ..tasks import process_delivery_report

    process_delivery_report.apply_async((event_id,), countdown=EARLY_RETRY)


def dlr_events_process_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Reports stored but never applied (their task was lost: a broker outage at the moment
    of the commit) are applied now. The number applied."""
    before = timezone.now() - older_than
    pending = WebhookEvent.objects.filter(
        kind=WebhookEvent.Kind.DELIVERY_REPORT,
        state=WebhookEvent.State.RECEIVED,
        received_at__lt=before,
    ).order_by("received_at", "id")
    ids = list(pending.values_list("pk", flat=True)[:LOOKUP_BATCH])
    return sum(dlr_event_process(event_id=pk) != WebhookEvent.State.RECEIVED for pk in ids)


# The status lookup ---------------------------------------------------------------------------


def stale_messages(*, now=None, limit: int = LOOKUP_BATCH) -> list[Message]:
    """Outbound messages accepted or sent longer ago than MESSAGE_STATUS_LOOKUP_AFTER_MINUTES
    with no final status yet: their report may have been lost."""
    from ..providers import provider_class, registered_kinds

    minutes = getattr(settings, "MESSAGE_STATUS_LOOKUP_AFTER_MINUTES", 60)
    before = (now or timezone.now()) - timedelta(minutes=minutes)
    # Only channels whose provider can be asked: the others' messages would fill the batch.
    kinds = [k for k in registered_kinds() if provider_class(k).capabilities.status_lookup]
    return list(
        Message._base_manager.filter(
            direction=Message.Direction.OUTBOUND,
            status__in=LOOKING_UP,
            updated_at__lt=before,
            channel__kind__in=kinds,
        )
        .select_related("channel")
        .order_by("updated_at", "id")[:limit]
    )


def message_look_up(*, message: Message) -> bool:
    """Asks the channel's provider what became of the message (outside any transaction) and
    moves it forward with the answer. True when it moved."""
    provider = provider_for(message.channel)
    if not provider.capabilities.status_lookup:
        return False
    try:
        found = provider.lookup(tag=message.tag, provider_id=message.provider_id)
    except ProviderError as exc:
        log.warning("status lookup of message %s failed: %s", message.pk, exc.message)
        return False
    except NotImplementedError:
        log.warning("the %s provider cannot look messages up yet", message.channel.kind)
        return False
    if found is None or not found.status:
        # Touch it, so the next run asks about the others first.
        Message._base_manager.filter(pk=message.pk).update(updated_at=timezone.now())
        return False
    moved = message_advance(
        message_id=message.pk,
        status=found.status,
        source=MessageEvent.Source.LOOKUP,
        reason=found.reason,
        detail=found.raw or None,
        fields=_report_fields(message, found),
    )
    if not moved:
        Message._base_manager.filter(pk=message.pk).update(updated_at=timezone.now())
    return moved


def messages_look_up_stale(*, now=None, limit: int = LOOKUP_BATCH) -> int:
    """The periodic lookup of messages left without a final report. The number moved."""
    return sum(message_look_up(message=m) for m in stale_messages(now=now, limit=limit))
