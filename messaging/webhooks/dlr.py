"""The delivery-report webhook: /hooks/dlr/<token>/ (no login; the token in the address names
the channel). A good report is stored as it arrived and answered 200 at once; it is applied
after the commit by a task. A bad body is answered 400 naming the field, and nothing is kept;
an unknown token is a 404."""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.webhooks import bounded_body, quiet

from .. import allowlist
from ..metrics import timed_intake
from ..models import Channel, WebhookEvent
from ..providers import provider_for
from ..providers.errors import BadPayload

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # bytes: a delivery report is well under 1 KiB
MAX_TOKEN = 64


def _bad(field: str, rule: str, status: int = 400) -> JsonResponse:
    return quiet(JsonResponse({"error": f"{field}: {rule}", "field": field}, status=status))


def source_refused(request, channel: Channel) -> JsonResponse | None:
    """403 naming the address when the channel's allowlist does not hold it (checked before
    the body is read, so nothing from elsewhere is stored). The log line names the channel,
    never the token in the URL."""
    address = request.META.get("REMOTE_ADDR") or ""
    if allowlist.allows(channel.inbound_allowlist, address):
        return None
    log.warning("webhook from %s refused: not in the allowlist of channel %s", address, channel.pk)
    rule = f"{address or 'unknown'} is not in the channel's allowlist"
    return _bad("remote_addr", rule, status=403)


def read_body(request, provider) -> tuple[str, object] | JsonResponse:
    """(the body's text, as the provider reads it), or the answer refusing it: 413 past
    MAX_BODY, 400 for what is not UTF-8, holds a NUL character or the provider cannot read
    (`Provider.load`, which the processing of the stored text uses again)."""
    body = bounded_body(request, MAX_BODY)
    if body is None:
        return _bad("body", f"must be at most {MAX_BODY // 1024} KiB", status=413)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _bad("body", "must be a JSON object (UTF-8)")
    if "\x00" in text or "\\u0000" in text:
        # PostgreSQL keeps no NUL character in text: refused, not a 500.
        return _bad("body", "must not contain NUL characters")
    try:
        return text, provider.load(text)
    except BadPayload as exc:
        return _bad(exc.field, exc.rule)


def _enqueue(event_id: int) -> None:
    from ..tasks import process_delivery_report

    process_delivery_report.delay(event_id)


@csrf_exempt
@timed_intake("dlr")
@require_POST
def delivery_report(request, token: str):
    if len(token) > MAX_TOKEN:
        raise Http404
    channel = Channel.objects.filter(dlr_token=token).first()
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
        provider.parse_delivery_report(payload)
    except BadPayload as exc:
        log.info("bad delivery report on channel %s: %s", channel.pk, exc)
        return quiet(JsonResponse({"error": str(exc), "field": exc.field}, status=400))
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            channel=channel,
            kind=WebhookEvent.Kind.DELIVERY_REPORT,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
            body=text,
        )
        event_id = event.pk
        transaction.on_commit(lambda: _enqueue(event_id))
    return JsonResponse({"ok": True, "event": event_id})
