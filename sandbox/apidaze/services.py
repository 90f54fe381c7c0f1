"""What the fake Apidaze does: keeps accounts and numbers (as Apidaze's console would), takes
sends, owes a status callback for each (to the account's callback URL), takes inbound
messages for its numbers (posted to the number's messaging webhook), and injects faults.

Callbacks are rows posted by a task (tasks.py): outside any transaction, because the
receiver (the portal, under `make run`) writes to the same database."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import callbacks
from .models import ApidazeAccount, ApidazeCallback, ApidazeMessage, ApidazeNumber

RETRY_DELAYS = (10, 60)  # seconds before the 2nd and 3rd attempt
CARRIER_SECONDS = 2  # between the send and its status callback, as on a real network
FAILING_SUFFIX = "9999"  # a recipient ending so is unreachable: its callback says "failed"
FORM = "application/x-www-form-urlencoded"


class Refused(Exception):
    """What the fake answers instead of taking the request: status, message, field."""

    def __init__(self, status: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def http_session() -> requests.Session:
    """The session callbacks go through; tests mount the in-process transport on it."""
    return requests.Session()


def account_save(
    *, api_key: str, api_secret: str, callback_url: str = "", rate_limit: int = 20
) -> ApidazeAccount:
    account, _ = ApidazeAccount.objects.update_or_create(
        api_key=api_key,
        defaults={"api_secret": api_secret, "callback_url": callback_url, "rate_limit": rate_limit},
    )
    account.full_clean()
    return account


def number_save(*, account: ApidazeAccount, number: str, webhook_url: str = "") -> ApidazeNumber:
    found, _ = ApidazeNumber.objects.update_or_create(
        number=str(number).lstrip("+"), defaults={"account": account, "webhook_url": webhook_url}
    )
    found.full_clean()
    return found


def faults_set(
    *,
    account: ApidazeAccount,
    fault: str = "",
    count: int = 0,
    retry_after: int = 1,
    timeout_seconds: float = 30.0,
) -> ApidazeAccount:
    """The next `count` sends of the account get `fault` (500, 503, 429 or timeout)."""
    if fault and fault not in ApidazeAccount.Fault.values:
        raise Refused(
            400, f"fault: must be one of {', '.join(ApidazeAccount.Fault.values)}", "fault"
        )
    if not 0 <= count <= 1000:
        raise Refused(400, "count: must be between 0 and 1000", "count")
    if not 0 <= retry_after <= 3600:
        raise Refused(400, "retry_after: must be between 0 and 3600 seconds", "retry_after")
    ApidazeAccount.objects.filter(pk=account.pk).update(
        fault=fault if count else "",
        fault_count=count if fault else 0,
        retry_after=retry_after,
        timeout_seconds=timeout_seconds,
    )
    account.refresh_from_db()
    return account


def fault_draw(account: ApidazeAccount) -> str:
    """The fault this send gets ("" for none), counted down once per send."""
    taken = ApidazeAccount.objects.filter(pk=account.pk, fault_count__gt=0).update(
        fault_count=F("fault_count") - 1
    )
    return account.fault if taken else ""


def authenticate(api_key: str, api_secret: str) -> ApidazeAccount:
    account = ApidazeAccount.objects.filter(api_key=api_key).first()
    if account is None:
        raise Refused(401, "Invalid API key.")
    if not api_secret:
        raise Refused(401, "api_secret is required.", "api_secret")
    if api_secret != account.api_secret:
        raise Refused(403, "Invalid API secret for this API key.", "api_secret")
    return account


def _number(fields: dict, name: str) -> str:
    value = (fields.get(name) or "").strip()
    if not value:
        raise Refused(400, f"{name}: is required.", name)
    if not (value.isascii() and value.isdigit() and 8 <= len(value) <= 15):
        raise Refused(400, f"{name}: must be 8 to 15 digits without +, got {value[:20]!r}.", name)
    return value


def message_send(*, account: ApidazeAccount, fields: dict) -> ApidazeMessage:
    """A send as Apidaze takes it (the fields checked, the rate enforced), with its status
    callback owed once it is committed."""
    sender, recipient = _number(fields, "from"), _number(fields, "to")
    body, media = fields.get("body") or "", (fields.get("media_url") or "").strip()
    if not body.strip() and not media:
        raise Refused(400, "body: is required (or media_url, for an MMS).", "body")
    if len(body) > 1600 or "\x00" in body:
        raise Refused(400, "body: must be at most 1600 characters, none of them NUL.", "body")
    if media and (
        not media.startswith(("http://", "https://")) or len(media) > 2000 or "\x00" in media
    ):
        raise Refused(400, "media_url: must be an http(s) address of at most 2000 characters.")
    recent = account.messages.filter(
        direction=ApidazeMessage.Direction.OUTBOUND,
        created_at__gte=timezone.now() - timedelta(seconds=1),
    )
    if recent.count() >= account.rate_limit:
        raise Refused(429, f"Rate limit exceeded: at most {account.rate_limit} messages a second.")
    with transaction.atomic():
        message = ApidazeMessage.objects.create(
            account=account,
            direction=ApidazeMessage.Direction.OUTBOUND,
            sender=sender,
            recipient=recipient,
            body=body,
            media_url=media,
        )
        if account.callback_url:
            status = "failed" if recipient.endswith(FAILING_SUFFIX) else "delivered"
            report = {"message_id": str(message.pk), "status": status}
            report["timestamp"] = timezone.now().isoformat()
            if status == "failed":
                report["error"] = "Unreachable handset"
            callback = _owe(message, account.callback_url, json.dumps(report), "application/json")
            transaction.on_commit(lambda: _enqueue(callback.pk, CARRIER_SECONDS))
    return message


def inbound_receive(
    *, number: ApidazeNumber, sender: str, text: str, media_url: str = ""
) -> ApidazeCallback:
    """Someone texts one of the account's numbers: the message is posted to the number's
    messaging webhook, form-encoded (`id`, `caller_id_number`, `destination_number`,
    `text`, `media_url` for an MMS, `timestamp`). The callback, not yet posted."""
    if not number.webhook_url:
        raise Refused(400, f"+{number.number} has no messaging webhook.", "webhook_url")
    sender = sender.strip().lstrip("+")
    if not (sender.isascii() and sender.isdigit() and 8 <= len(sender) <= 15):
        raise Refused(400, f"from: must be 8 to 15 digits, got {sender[:20]!r}.", "sender")
    with transaction.atomic():
        message = ApidazeMessage.objects.create(
            account=number.account,
            direction=ApidazeMessage.Direction.INBOUND,
            sender=sender,
            recipient=number.number,
            body=text,
            media_url=media_url,
            status="received",
        )
        fields = {
            "id": str(message.pk),
            "caller_id_number": sender,
            "destination_number": number.number,
            "text": text,
            "timestamp": message.created_at.isoformat(),
        }
        if media_url:
            fields["media_url"] = media_url
        return _owe(message, number.webhook_url, urlencode(fields), FORM)


def _owe(message: ApidazeMessage, url: str, body: str, content_type: str) -> ApidazeCallback:
    callback = ApidazeCallback(message=message, url=url, body=body, content_type=content_type)
    callback.full_clean()
    callback.save()
    return callback


def _enqueue(callback_id: int, countdown: float = 0) -> None:
    from .tasks import deliver_callback

    deliver_callback.apply_async((callback_id,), countdown=countdown)


def callback_deliver(*, callback_id: int) -> bool:
    """One attempt at a pending callback (claimed first, so a task run twice posts it
    once), posted outside any transaction; True once delivered. A failure is tried again
    after RETRY_DELAYS, then left failed."""
    callback = ApidazeCallback.objects.get(pk=callback_id)
    if callback.state != ApidazeCallback.State.PENDING:
        return callback.state == ApidazeCallback.State.DELIVERED
    claimed = ApidazeCallback.objects.filter(
        pk=callback.pk, state=ApidazeCallback.State.PENDING, attempts=callback.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    attempts = callback.attempts + 1
    posted = callbacks.post(
        http_session(),
        callback.url,
        callback.body,
        content_type=callback.content_type,
        user_agent="Apidaze-Sandbox/1.0",
    )
    status, error = posted.status, posted.error
    state = ApidazeCallback.State.PENDING
    if not error:
        state = ApidazeCallback.State.DELIVERED
    elif attempts > len(RETRY_DELAYS):
        state = ApidazeCallback.State.FAILED
    ApidazeCallback.objects.filter(pk=callback.pk).update(
        state=state, status_code=status, error=error[:300]
    )
    if state == ApidazeCallback.State.PENDING:
        _enqueue(callback.pk, RETRY_DELAYS[attempts - 1])
    return state == ApidazeCallback.State.DELIVERED
