"""What the fake gateways do: their accounts (balance, delivery-report address, faults), the
messages they take (a credit each), and the delivery report each posts after."""

from __future__ import annotations

import json
import secrets
from decimal import Decimal
from urllib.parse import urlencode

import requests
from django.db import transaction
from django.db.models import F

from .. import callbacks
from .models import Gateway, GatewayAccount, GatewayMessage

FAULT_STATUSES = (0, 429, 500, 502, 503, 504)
REPORT_DELAY = 2  # seconds between taking a message and reporting it delivered


def http_session() -> requests.Session:
    """The session delivery reports are posted through; tests mount a transport on it."""
    return requests.Session()


def account_of(gateway: str) -> GatewayAccount:
    if gateway not in Gateway.values:
        raise ValueError(f"“{gateway[:20]}” is not a fake gateway ({', '.join(Gateway.values)}).")
    account, _ = GatewayAccount.objects.get_or_create(gateway=gateway)
    return account


def account_set(
    *,
    gateway: str,
    balance: Decimal | None = None,
    dlr_url: str | None = None,
    inbound_url: str | None = None,
    fail_next: int | None = None,
    fail_status: int | None = None,
) -> GatewayAccount:
    """Changes what is given of the fake account's state."""
    if fail_status is not None and fail_status not in FAULT_STATUSES:
        raise ValueError(f"The fault “{fail_status}” must be one of {FAULT_STATUSES}.")
    account = account_of(gateway)
    for name, value in {
        "balance": balance,
        "dlr_url": dlr_url,
        "inbound_url": inbound_url,
        "fail_next": fail_next,
        "fail_status": fail_status,
    }.items():
        if value is not None:
            setattr(account, name, value)
    account.full_clean()
    account.save()
    return account


def fault_draw(account: GatewayAccount) -> int | None:
    """The fault of this answer (a status, 0 for a timeout) while some are left, else None."""
    taken = GatewayAccount.objects.filter(pk=account.pk, fail_next__gt=0).update(
        fail_next=F("fail_next") - 1
    )
    return account.fail_status if taken else None


def message_take(
    *, account: GatewayAccount, request, sender: str, recipient: str, text: str
) -> GatewayMessage:
    """Takes one message (a credit of the balance) and owes its delivery report."""
    numeric = account.gateway == Gateway.BURSTSMS  # BurstSMS's ids are numbers
    with transaction.atomic():
        message = GatewayMessage.objects.create(
            account=account,
            message_id=str(secrets.randbelow(10**12)) if numeric else secrets.token_hex(8),
            method=request.method,
            path=request.path,
            content_type=request.content_type or "",
            body=request.body.decode("utf-8", errors="replace")[:10_000],
            sender=sender[:32],
            recipient=recipient[:32],
            text=text,
        )
        GatewayAccount.objects.filter(pk=account.pk).update(balance=F("balance") - 1)
        if account.dlr_url:
            transaction.on_commit(lambda: _enqueue_report(message.pk))
    return message


def _enqueue_report(message_pk: int) -> None:
    from .tasks import deliver_report

    deliver_report.apply_async((message_pk,), countdown=REPORT_DELAY)


def report_body(message: GatewayMessage) -> tuple[str, str]:
    """The delivery report as the gateway posts it: (content type, body)."""
    if message.account.gateway == Gateway.BULKSMS:
        status = {"id": "DELIVERED.null", "type": "DELIVERED", "subtype": None}
        body = [
            {"id": message.message_id, "type": "SENT", "to": message.recipient, "status": status}
        ]
        return "application/json", json.dumps(body)
    if message.account.gateway == Gateway.CLICKATELL:
        body = {
            "messageId": message.message_id,
            "to": message.recipient,
            "status": "RECEIVED_BY_RECIPIENT",
            "statusCode": 4,
        }
        return "application/json", json.dumps(body)
    fields = {"message_id": message.message_id, "mobile": message.recipient, "status": "delivered"}
    return "application/x-www-form-urlencoded", urlencode(fields)


def report_deliver(*, message_pk: int) -> bool:
    """Posts the message's delivery report once (claimed first, so a task run twice posts
    once); outside any transaction, as the receiver may write to the same database."""
    message = GatewayMessage.objects.select_related("account").filter(pk=message_pk).first()
    if message is None or not message.account.dlr_url:
        return False
    if not GatewayMessage.objects.filter(pk=message.pk, reported=False).update(reported=True):
        return False
    content_type, body = report_body(message)
    return _post(message.account.dlr_url, content_type, body)


def _post(url: str, content_type: str, body: str) -> bool:
    posted = callbacks.post(
        http_session(), url, body, content_type=content_type, user_agent="Gateway-Sandbox/1.0"
    )
    return not posted.error


def inbound_body(gateway: str, *, sender: str, recipient: str, text: str) -> tuple[str, str]:
    """A message to one of the gateway's numbers as the gateway posts it: (type, body)."""
    if gateway == Gateway.BULKSMS:
        item = {"id": secrets.token_hex(8), "type": "RECEIVED", "from": sender, "to": recipient}
        return "application/json", json.dumps([{**item, "body": text}])
    if gateway == Gateway.CLICKATELL:
        body = {"messageId": secrets.token_hex(8), "fromNumber": sender, "toNumber": recipient}
        return "application/json", json.dumps({**body, "text": text})
    fields = {"mobile": sender, "longcode": recipient, "response": text}
    return "application/x-www-form-urlencoded", urlencode(fields)


def inbound_send(*, gateway: str, sender: str, recipient: str, text: str) -> None:
    """Someone texts one of the gateway's numbers: the gateway posts it (in a task)."""
    account = account_of(gateway)
    if not account.inbound_url:
        raise ValueError(f"The fake {account} has no inbound messages address to post to.")
    digits = [v.strip().lstrip("+") for v in (sender, recipient)]
    if not all(v.isdigit() and 8 <= len(v) <= 15 for v in digits):
        raise ValueError("The sender and the recipient must be phone numbers in digits.")
    if not text or len(text) > 1600:
        raise ValueError("The text must have 1 to 1600 characters.")
    from .tasks import deliver_inbound

    transaction.on_commit(lambda: deliver_inbound.delay(gateway, digits[0], digits[1], text))


def inbound_deliver(*, gateway: str, sender: str, recipient: str, text: str) -> bool:
    content_type, body = inbound_body(gateway, sender=sender, recipient=recipient, text=text)
    return _post(account_of(gateway).inbound_url, content_type, body)
