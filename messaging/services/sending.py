"""Sending for a tenant: the one service the compose page, the API and conversations call.

`message_send` checks everything a send needs and explains every refusal, keyed by the field
that is wrong: the tenant is active; the sender ID is the tenant's and allowed for the
destination country; the recipient is a valid number (national input read in the tenant's
default country) who has not opted out of this sender and, when the tenant turns the check
on, was not recently found invalid or unallocated by the number validator; MMS rules (at most
the provider's number of files, US/CA only, a numeric sender, size and type limits); the
channel's maximum segments. Then, in one transaction, the message, its first history entry
and its outbox row: the outbox sends it later, outside any transaction (this service never
calls a provider).

`message_send_once` is the API's: the same `Idempotency-Key` and body give the first answer
again, never a second message; concurrent duplicates are settled by the key's unique
constraint (the second waits on the first's insert, then replays its answer).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope

from dids.selectors import recipient_refusal
from portal import phone
from tenants.models import Tenant

from .. import media as mms_files
from .. import segments
from ..models import IdempotencyKey, Message, MessageSource, SenderId, SenderKind
from ..providers import provider_for
from ..selectors import opt_out_for, sender_refusal
from .history import message_record
from .outbox import outbox_enqueue

# Bounds checked before anything is parsed or counted.
MAX_TEXT_CHARS = 2000  # more than any channel's segments hold (10 x 153 GSM-7 = 1530)
MAX_MEDIA_URL_CHARS = 2000
MAX_IDEMPOTENCY_KEY_CHARS = 255
_url = URLValidator(schemes=["http", "https"])


def _shown(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class _Checked:
    sender: SenderId
    recipient: str  # E.164 digits
    country: str
    count: segments.SegmentCount
    media: list[str]
    files: list


def message_send(
    *,
    tenant: Tenant,
    sender_id: int | str | SenderId | None,
    recipient: str,
    text: str,
    media: Sequence[str] = (),
    files: Sequence = (),
    source: str,
    actor=None,
    ignore_opt_out: bool = False,
) -> Message:
    """Queues one SMS (MMS with `media` URLs or uploaded `files`) from the tenant's sender ID
    to `recipient`. Raises ValidationError keyed by field (`sender_id`, `recipient`, `text`,
    `media`, `files`) naming the value and the rule; nothing is kept when it does.

    `ignore_opt_out` is for keyword replies only: the confirmation of a STOP goes to the
    recipient who just opted out (carriers require it); every other check still applies."""
    if source not in MessageSource.values:
        raise ValueError(f"unknown message source {source!r}")
    if ignore_opt_out and source != MessageSource.KEYWORD:
        raise ValueError("only a keyword reply may be sent past an opt-out")
    text = "" if text is None else str(text)
    with scope(tenant=tenant):
        checked = _check(
            tenant=tenant,
            sender_id=sender_id,
            recipient=recipient,
            text=text,
            media=media,
            files=files,
            ignore_opt_out=ignore_opt_out,
        )
        stored = [mms_files.store(f) for f in checked.files]
        try:
            return _queue(
                tenant, checked, text, [*checked.media, *(s.url for s in stored)], source, actor
            )
        except BaseException:
            mms_files.discard([s.name for s in stored])
            raise


def _queue(tenant, checked: _Checked, text, urls, source, actor) -> Message:
    now = timezone.now()
    channel = checked.sender.channel
    with transaction.atomic():
        message = Message.objects.create(
            tenant=tenant,
            channel=channel,
            direction=Message.Direction.OUTBOUND,
            sender_id=checked.sender,
            sender=checked.sender.value,
            recipient=checked.recipient,
            country=checked.country,
            text=text,
            media=urls,
            is_mms=bool(urls),
            encoding=checked.count.encoding,
            segments=checked.count.segments,
            status=Message.Status.QUEUED,
            tag=uuid.uuid4().hex,
            source=source,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            expires_at=now + timedelta(days=channel.validity_days),
        )
        reason = (
            ""
            if channel.is_active
            else f"The channel “{channel}” is paused: the message waits in the queue."
        )
        message_record(message=message, status=Message.Status.QUEUED, reason=reason, at=now)
        outbox_enqueue(message=message)
    # (part C) A message from compose or the API joins its conversation, after its commit; a
    # conversation's own replies are attached by their service.
    if source != MessageSource.CONVERSATION:
        from .conversations import conversation_attach_outbound

        conversation_attach_outbound(message=message, actor=actor)
    return message


def _check(*, tenant, sender_id, recipient, text, media, files, ignore_opt_out=False) -> _Checked:
    if not tenant.is_active:
        raise ValidationError(
            f"“{tenant.name}” is suspended: it cannot send messages until it is reactivated."
        )
    errors: dict[str, list[str]] = {}
    text = "" if text is None else str(text)
    media, files = list(media or ()), list(files or ())
    count = None
    if len(text) > MAX_TEXT_CHARS:
        errors.setdefault("text", []).append(
            f"The text is {len(text)} characters; a message may have at most {MAX_TEXT_CHARS}."
        )
    elif not text and not media and not files:
        errors.setdefault("text", []).append("Write a message, or attach a file (MMS).")
    else:
        count = segments.count(text)
    sender = _sender(tenant, sender_id, errors)
    number, country = _recipient(tenant, recipient, errors)
    if number and (refusal := recipient_refusal(tenant, number)):
        # The tenant's send-time check: its number validator found this recipient invalid.
        errors.setdefault("recipient", []).append(refusal)
    if sender is not None and country:
        refusal = sender_refusal(sender=sender, country=country)
        if refusal:
            errors.setdefault("sender_id", []).append(refusal)
    if sender is not None and number and not ignore_opt_out:
        opted = opt_out_for(tenant=tenant, sender=sender.value, recipient=number)
        if opted is not None:
            which = f"from {sender}" if opted.sender else "from any of your senders"
            errors.setdefault("recipient", []).append(
                f"+{number} asked not to get messages {which} "
                f"(opted out on {opted.created_at:%Y-%m-%d}, {opted.get_source_display().lower()})."
            )
    if sender is not None:
        if media or files:
            _check_mms(sender, country, media, files, errors)
        elif count is not None and count.segments > sender.channel.max_segments:
            errors.setdefault("text", []).append(
                f"The text is {count.segments} segments ({count.encoding}); the channel sends "
                f"at most {sender.channel.max_segments}. Shorten it"
                + (" or replace the characters that force UCS-2." if count.forcing else ".")
            )
    if errors:
        raise ValidationError(errors)
    return _Checked(sender, number, country, count, media, files)


def _sender(tenant, sender_id, errors) -> SenderId | None:
    if isinstance(sender_id, SenderId):
        sender_id = sender_id.pk
    if sender_id in (None, ""):
        errors.setdefault("sender_id", []).append("Choose the sender ID to send from.")
        return None
    sender = None
    if str(sender_id).isascii() and str(sender_id).isdigit() and len(str(sender_id)) <= 18:
        sender = (
            SenderId.objects.filter(tenant=tenant, pk=int(sender_id))
            .select_related("channel")
            .first()
        )
    if sender is None:
        errors.setdefault("sender_id", []).append(
            f"There is no sender ID “{_shown(sender_id)}” in {tenant.name}: choose one of yours."
        )
    return sender


def _recipient(tenant, recipient, errors) -> tuple[str, str]:
    raw = "" if recipient is None else str(recipient)
    if len(raw) > phone.MAX_TYPED:
        errors.setdefault("recipient", []).append(
            f"“{_shown(raw)}” is not a phone number: it is longer than {phone.MAX_TYPED} "
            "characters."
        )
        return "", ""
    region = tenant.default_country or None
    number, why = phone.reason(raw, region=region)
    if why is not None:
        errors.setdefault("recipient", []).append(
            f"“{_shown(raw.strip())}” is not a phone number: it {why}."
        )
        return "", ""
    digits = str(number)
    country = phone.region_of(digits)
    if not phone.is_valid(digits) or country is None:
        errors.setdefault("recipient", []).append(
            f"+{digits} is not a number in use: its country's numbering plan has no such "
            "number (check the area code and the length)."
        )
        return "", ""
    return digits, country


def _check_mms(sender: SenderId, country: str, media, files, errors) -> None:
    caps = provider_for(sender.channel).capabilities
    total = len(media) + len(files)
    field = "files" if files and not media else "media"
    if not caps.mms:
        errors.setdefault(field, []).append(
            f"The channel “{sender.channel}” cannot send MMS: remove the files."
        )
        return
    if total > caps.max_media:
        errors.setdefault(field, []).append(
            f"{total} files are attached; an MMS carries at most {caps.max_media}."
        )
    if country and country not in caps.mms_countries:
        where = " and ".join(caps.mms_countries)
        errors.setdefault(field, []).append(
            f"MMS goes to numbers in {where} only; this recipient is in {country}. Send text only."
        )
    if sender.kind != SenderKind.NUMERIC:
        errors.setdefault("sender_id", []).append(
            f"An MMS needs a number as its sender; “{sender.value}” is a name. "
            "Choose one of your numbers."
        )
    for url in media:
        url_text = str(url)
        try:
            if len(url_text) > MAX_MEDIA_URL_CHARS:
                raise ValidationError("too long")
            _url(url_text)
        except ValidationError:
            errors.setdefault("media", []).append(
                f"“{_shown(url_text, 60)}” is not a web address (http or https, at most "
                f"{MAX_MEDIA_URL_CHARS} characters) the provider can fetch."
            )
    size = 0
    for upload in files:
        refusal = mms_files.file_refusal(upload, max_bytes=caps.max_media_bytes)
        if refusal:
            errors.setdefault("files", []).append(refusal)
        size += upload.size
    if len(files) > 1 and size > caps.max_media_bytes:
        errors.setdefault("files", []).append(
            f"The files together are {mms_files._size(size)}; an MMS carries at most "
            f"{mms_files._size(caps.max_media_bytes)}."
        )


# The API's idempotent send ---------------------------------------------------------------


class IdempotencyError(Exception):
    """A key that cannot be used: `status_code` and the sentence that names the header."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def request_hash(body: Any) -> str:
    """The fingerprint of a request body: the same JSON in any key order gives the same."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_idempotency_key(key: str) -> str:
    if len(key) > MAX_IDEMPOTENCY_KEY_CHARS:
        raise IdempotencyError(
            400,
            f"The Idempotency-Key header is {len(key)} characters; at most "
            f"{MAX_IDEMPOTENCY_KEY_CHARS} are allowed.",
        )
    if not key.strip() or not key.isascii() or not key.isprintable():
        raise IdempotencyError(
            400,
            "The Idempotency-Key header must be printable ASCII characters (a UUID is a good "
            "key), not empty.",
        )
    return key


def message_send_once(
    *,
    tenant: Tenant,
    key: str,
    body: Any,
    send: Callable[[], tuple[int, dict, Message | None]],
) -> tuple[int, dict, bool]:
    """(status code, answer, replayed): runs `send` once per key. The same key with the same
    body gets the stored first answer; with another body an IdempotencyError (422)."""
    key = check_idempotency_key(key)
    digest = request_hash(body)
    with scope(tenant=tenant):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        tenant=tenant, key=key, request_hash=digest, status_code=0, response={}
                    )
            except IntegrityError:
                row = None
            if row is not None:
                status_code, answer, message = send()
                row.status_code, row.response, row.message = status_code, answer, message
                row.save(update_fields=["status_code", "response", "message"])
                return status_code, answer, False
        first = IdempotencyKey.objects.get(tenant=tenant, key=key)
    if first.request_hash != digest:
        raise IdempotencyError(
            422,
            f"The Idempotency-Key “{_shown(key)}” was used with another request body: use a "
            "new key for a new message.",
        )
    return first.status_code, first.response, True
