"""The inbound-message webhook: /hooks/inbound/<token>/ (no login; the token in the address
names the channel). Checked in this order, each refusal storing nothing: the token (404), the
channel's source-address allowlist (403), the body's size (413) and shape (400 naming the
field). A good message is stored as it arrived and answered 200 at once; the channel's drain
processes it after the commit (one task on its way per channel, however many arrive). The
provider's retry of a message it already delivered (the same message id) is answered 200 too,
and stored once: the event's unique dedupe key settles it."""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.webhooks import quiet

from ..metrics import timed_intake
from ..models import Channel, Message
from ..providers import provider_for
from ..providers.base import InboundMessage
from ..providers.errors import BadPayload
from ..services.intake import inbound_store, intake_channel, intake_forget
from .dlr import MAX_TOKEN, _bad, read_body, source_refused

log = logging.getLogger(__name__)

MAX_ID = Message._meta.get_field("provider_id").max_length
MAX_NUMBER = Message._meta.get_field("recipient").max_length


def _check(inbound: InboundMessage) -> tuple[str, str] | None:
    """(field, rule) for what the provider's parser lets through but a message cannot hold."""
    if len(inbound.provider_id) > MAX_ID:
        return "message_id", f"must be at most {MAX_ID} characters"
    if not inbound.recipient.isascii() or not inbound.recipient.isdigit():
        return "to", "must be a phone number in E.164 (digits, an optional +)"
    if len(inbound.recipient) > MAX_NUMBER:
        return "to", f"must be at most {MAX_NUMBER} digits"
    if not inbound.sender or len(inbound.sender) > MAX_NUMBER:
        return "from", f"must be a phone number or a name of at most {MAX_NUMBER} characters"
    if not inbound.sender.isprintable():
        return "from", "must hold printable characters only"
    return None


@csrf_exempt
@timed_intake("inbound")
@require_POST
def inbound_message(request, token: str):
    if len(token) > MAX_TOKEN:
        raise Http404
    channel = intake_channel(token)
    if channel is None:
        raise Http404
    if (refused := source_refused(request, channel)) is not None:
        return refused
    provider = provider_for(channel)
    read = read_body(request, provider)
    if isinstance(read, JsonResponse):
        return read
    text, payload = read
    try:
        inbound = provider.parse_inbound(payload)
    except BadPayload as exc:
        log.info("bad inbound message on channel %s: %s", channel.pk, exc)
        return quiet(JsonResponse({"error": str(exc), "field": exc.field}, status=400))
    if (problem := _check(inbound)) is not None:
        return _bad(*problem)
    try:
        event_id = inbound_store(
            channel_id=channel.pk,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
            body=text,
            dedupe_key=inbound.provider_id,
        )
    except Channel.DoesNotExist:
        intake_forget()
        raise Http404 from None
    if event_id is None:
        # The provider retried a message it delivered already (its answer got lost).
        log.info("inbound message %s on channel %s again", inbound.provider_id, channel.pk)
        return JsonResponse({"ok": True, "duplicate": True})
    return JsonResponse({"ok": True, "event": event_id})
