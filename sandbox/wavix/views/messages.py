"""/v3/messages: sending, listing and retrieving SMS and MMS."""

import uuid

from django.http import HttpRequest, JsonResponse

from .. import payloads, selectors
from ..errors import not_found
from ..http import body, endpoint, ok, paginate, query
from ..models import SandboxAccount
from ..params import Invalid
from ..services.messaging import MAX_MEDIA, Outbound, message_send

STATUSES = (
    "accepted",
    "pending",
    "sent",
    "delivered",
    "undelivered",
    "expired",
    "rejected",
    "dlr_expired",
)


def send(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("from", "to", "message_body", "callback_url", "validity", "tag"))
    message_body = params.obj("message_body", required=True)
    message_body.only(("text", "media"))
    media = message_body.strings("media", required=True, nullable=True)
    if media is not None and len(media) > MAX_MEDIA:
        raise Invalid("message_body.media", f"must have at most {MAX_MEDIA} items", len(media))
    outbound = Outbound(
        sender=params.str("from", required=True, blank=False),
        recipient=params.str("to", required=True, blank=False),
        text=message_body.str("text", required=True),
        media=media or None,
        callback_url=params.url("callback_url", default=""),
        validity=params.int("validity", minimum=1, maximum=259_200),
        tag=params.str("tag", max_length=100),
    )
    message = message_send(account=account, outbound=outbound)
    return ok(payloads.message(message), status=201)


def messages_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = query(request)
    rows = selectors.messages_filtered(
        account,
        direction=params.str("type", required=True, choices=("inbound", "outbound")),
        sent_after=params.date("sent_after"),
        sent_before=params.date("sent_before"),
        status=params.str("status", choices=STATUSES),
        message_type=params.str("message_type", choices=("sms", "mms")),
        tag=params.str("tag"),
        **{"from": params.str("from"), "to": params.str("to")},
    )
    return ok(paginate(request, rows, "items", payloads.message))


def message_retrieve(request: HttpRequest, account: SandboxAccount, message_id: str):
    try:
        key = uuid.UUID(message_id)
    except ValueError:
        raise not_found("Message") from None
    message = account.messages.filter(pk=key).first()
    if message is None:
        raise not_found("Message")
    return ok(payloads.message(message))


messages = endpoint(GET=messages_list, POST=send)
message = endpoint(GET=message_retrieve)
