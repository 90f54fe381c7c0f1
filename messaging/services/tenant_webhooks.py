"""Tenant webhooks: a tenant's endpoints, and the signed JSON events the portal POSTs to them
(an inbound message, a delivery status, a test event), each a `WebhookDelivery` on the one job
runner with every attempt kept (`WebhookAttempt`) for the delivery log.

Which events go where: `message.received` goes to the endpoint of the number's rule when the
destination is a webhook; `message.status` (outbound messages only) to every active endpoint
of the tenant with `send_status`. `send_inbound` off stops an endpoint's inbound events even
when a rule names it (the rule's page says so).

Signing: `X-Portal-Timestamp` (unix seconds) and `X-Portal-Signature: v1=<hex HMAC-SHA256 of
"<timestamp>.<raw body>" with the endpoint's secret>` (`SIGNATURE_RECIPE` is the snippet the
endpoint page shows). A POST has a 5-second timeout, never inside a transaction; a 2xx answer
delivers it; anything else is tried again 30 s later, doubling up to an hour, until
`give_up_at` (TENANT_WEBHOOK_GIVE_UP_HOURS after it was made), then it fails. The log keeps
finished deliveries TENANT_WEBHOOK_LOG_DAYS.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal.jobs.runner import JobRunner, Outcome, Wait
from portal.wavix.guard import check_no_transaction
from portal.wavix.retry import RetryPolicy

from ..models import (
    Destination,
    Message,
    NumberRoute,
    TenantWebhook,
    WebhookAttempt,
    WebhookDelivery,
)

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
BODY_EXCERPT = 1000
# A failed delivery: 30 s, doubling, at most an hour apart, until its give-up time.
DELIVERY_RETRIES = RetryPolicy(attempts=0, base=30, factor=2, cap=3600, jitter=0)

SIGNATURE_RECIPE = """import hashlib, hmac, time

def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    timestamp = headers["X-Portal-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old: a replay
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Portal-Signature"], "v1=" + expected)"""


# Endpoints -------------------------------------------------------------------------------------


def _non_public(address: str) -> bool:
    try:
        return not ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def refused_address(host: str | None) -> str:
    """Why the portal may not call `host` (empty when it may): outside
    TENANT_WEBHOOK_PRIVATE_HOSTS, a host that is or resolves to a loopback, private or
    link-local address, so a tenant cannot make the portal call hosts on its own network."""
    if settings.TENANT_WEBHOOK_PRIVATE_HOSTS or not host:
        return ""
    if host == "localhost" or host.endswith(".localhost") or _non_public(host):
        return f"{host} is on the portal's own network"
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return ""  # not resolvable now: the delivery says so when it tries
    inside = sorted(a for a in resolved if _non_public(a))
    return f"{host} resolves to {inside[0]}, on the portal's own network" if inside else ""


def _check_url(raw) -> str:
    url = str(raw or "").strip()
    if not url:
        raise ValidationError({"url": "Give the endpoint's URL."})
    if len(url) > 500:
        raise ValidationError({"url": f"The URL has {len(url)} characters: at most 500."})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": f"“{url[:80]}” is not a valid URL."}) from None
    parts = urlsplit(url)
    if parts.scheme != "https" and not settings.TENANT_WEBHOOK_PRIVATE_HOSTS:
        raise ValidationError(
            {
                "url": f"“{url[:80]}” is not HTTPS: events carry your messages, so only https:// "
                "is accepted."
            }
        )
    if why := refused_address(parts.hostname):
        raise ValidationError(
            {"url": f"“{url[:80]}” is refused: {why}. Give an address on the internet."}
        )
    return url


def endpoint_save(
    *,
    tenant,
    name,
    url,
    is_active=True,
    send_inbound=True,
    send_status=True,
    endpoint: TenantWebhook | None = None,
    actor=None,
) -> tuple[TenantWebhook, str]:
    """Makes or edits an endpoint; (the endpoint, the new secret when made, else "")."""
    name = str(name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the endpoint a name."
    elif len(name) > 100:
        errors["name"] = f"The name has {len(name)} characters: at most 100."
    try:
        url = _check_url(url)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    with scope(tenant=tenant):
        taken = TenantWebhook.objects.filter(tenant=tenant, name__iexact=name)
        if endpoint is not None:
            taken = taken.exclude(pk=endpoint.pk)
        if name and "name" not in errors and taken.exists():
            errors["name"] = f"An endpoint named “{name}” already exists."
        if errors:
            raise ValidationError(errors)
        secret = ""
        if endpoint is None:
            secret = secrets.token_urlsafe(32)
            endpoint = TenantWebhook(tenant=tenant, secret=secret)
        endpoint.name, endpoint.url = name, url
        endpoint.is_active = bool(is_active)
        endpoint.send_inbound, endpoint.send_status = bool(send_inbound), bool(send_status)
        endpoint.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                endpoint.save()
        except IntegrityError:
            raise ValidationError(
                {"name": f"An endpoint named “{name}” already exists: reload and try again."}
            ) from None
    return endpoint, secret


def endpoint_rotate_secret(*, endpoint: TenantWebhook, actor=None) -> str:
    """A new secret (the old one stops signing at once); returned once, to be shown once."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint.secret = secret
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return secret


def endpoint_in_use(endpoint: TenantWebhook) -> list[str]:
    """Numbers whose rule sends their messages to the endpoint (the first five)."""
    with scopes_disabled():
        return list(
            NumberRoute.objects.filter(
                endpoint=endpoint, destination=Destination.WEBHOOK
            ).values_list("number", flat=True)[:5]
        )


def endpoint_delete(*, endpoint: TenantWebhook, actor=None) -> None:
    numbers = endpoint_in_use(endpoint)
    if numbers:
        raise ValidationError(
            f"The endpoint “{endpoint}” still gets the messages of "
            f"{', '.join('+' + n for n in numbers)}: give those numbers another destination "
            "first."
        )
    with transaction.atomic():
        endpoint.delete()


# Events ----------------------------------------------------------------------------------------


def message_data(message: Message) -> dict:
    def stamp(value):
        return value.isoformat() if value else None

    return {
        "id": message.pk,
        "direction": message.direction,
        "from": message.sender,
        "to": message.recipient,
        "text": message.text,
        "media": list(message.media or []),
        "status": message.status,
        "segments": message.segments,
        "conversation": message.conversation_id,
        "created_at": stamp(message.created_at),
        "finished_at": stamp(message.finished_at),
    }


def _delivery(*, tenant, endpoint, event: str, data: dict, message=None) -> WebhookDelivery:
    now = timezone.now()
    event_id = f"evt_{uuid.uuid4().hex}"
    payload = {
        "id": event_id,
        "type": event,
        "created_at": now.isoformat(),
        "tenant": tenant.slug,
        "data": data,
    }
    with scopes_disabled(), transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            tenant=tenant,
            endpoint=endpoint,
            event=event,
            event_id=event_id,
            payload=payload,
            message=message,
            due_at=now,
            give_up_at=now + timedelta(hours=settings.TENANT_WEBHOOK_GIVE_UP_HOURS),
        )
        WebhookRunner.enqueue(delivery.pk)
    return delivery


def inbound_event_publish(*, tenant, message: Message, endpoint: TenantWebhook | None) -> int:
    """The `message.received` event to the rule's endpoint (if it takes inbound events)."""
    if endpoint is None or not endpoint.is_active or not endpoint.send_inbound:
        return 0
    _delivery(
        tenant=tenant,
        endpoint=endpoint,
        event=WebhookDelivery.Event.RECEIVED,
        data=message_data(message),
        message=message,
    )
    return 1


def status_event_publish(*, message_id: int) -> int:
    """The `message.status` event of an outbound message of a tenant, to each of its active
    endpoints with `send_status`."""
    with scopes_disabled():
        message = Message.objects.filter(pk=message_id).select_related("tenant").first()
        if message is None or message.tenant is None:
            return 0
        if message.direction != Message.Direction.OUTBOUND:
            return 0
        endpoints = list(
            TenantWebhook.objects.filter(tenant=message.tenant, is_active=True, send_status=True)
        )
    for endpoint in endpoints:
        _delivery(
            tenant=message.tenant,
            endpoint=endpoint,
            event=WebhookDelivery.Event.STATUS,
            data=message_data(message),
            message=message,
        )
    return len(endpoints)


def test_event_send(*, endpoint: TenantWebhook, actor=None) -> WebhookDelivery:
    """A `ping` event, so a tenant sees its endpoint answer (in the delivery log)."""
    return _delivery(
        tenant=endpoint.tenant,
        endpoint=endpoint,
        event=WebhookDelivery.Event.TEST,
        data={"message": "A test event from the portal: your endpoint is reachable."},
    )


def delivery_redeliver(*, delivery: WebhookDelivery, actor=None) -> WebhookDelivery:
    """ "Deliver again": a failed delivery is tried again now, for another window; its past
    attempts stay in the log."""
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        held = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if held.status != WebhookDelivery.Status.FAILED:
            raise ValidationError(
                f"This delivery is {held.get_status_display().lower()}: only a failed one is "
                "delivered again."
            )
        held.status = WebhookDelivery.Status.QUEUED
        held.attempt += 1
        held.due_at, held.retry_at, held.finished_at = now, None, None
        held.give_up_at = now + timedelta(hours=settings.TENANT_WEBHOOK_GIVE_UP_HOURS)
        held.error = held.error_detail = ""
        held.save()
        WebhookRunner.enqueue(held.pk)
    return held


# Signing and sending -----------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify(secret: str, timestamp: str, signature: str, body: bytes, tolerance=300) -> bool:
    """The documented recipe, for the demo receiver."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(str(signature), sign(secret, timestamp, body))


class WebhookRunner(JobRunner):
    model = WebhookDelivery
    task = "messaging.tasks.deliver_webhook"
    # Only for a run whose worker was lost (the attempts themselves follow DELIVERY_RETRIES
    # until give_up_at): receivers dedupe by event id, so sending again is harmless.
    retry_policy = RetryPolicy(attempts=200)
    lease = timedelta(minutes=2)

    def perform(self) -> Outcome | None:
        delivery = self.job
        now = timezone.now()
        if now > delivery.give_up_at:
            return Outcome.failed(self._gave_up())
        with scopes_disabled():
            endpoint = TenantWebhook.objects.get(pk=delivery.endpoint_id)
        body = json.dumps(delivery.payload, separators=(",", ":")).encode()
        attempt = self._post(endpoint, delivery, body)
        with scopes_disabled():
            attempt.save()
        if attempt.status_code and 200 <= attempt.status_code < 300:
            self.delivered_at = attempt.at
            return Outcome.succeeded(f"Delivered: HTTP {attempt.status_code}.")
        why = f"HTTP {attempt.status_code}" if attempt.status_code else attempt.error
        retry = DELIVERY_RETRIES.after(delivery.attempt, deadline=delivery.give_up_at)
        if retry is None or not endpoint.is_active:
            reason = "the endpoint was paused" if not endpoint.is_active else self._gave_up()
            return Outcome.failed(f"{reason} (last: {why}).")
        local = timezone.localtime(retry.at).strftime("%H:%M:%S")
        raise Wait(retry, f"Attempt {delivery.attempt} failed ({why}); next at {local}.")

    def _gave_up(self) -> str:
        hours = settings.TENANT_WEBHOOK_GIVE_UP_HOURS
        return f"Gave up after {self.job.attempt} attempt(s) over {hours} hours"

    def finished(self, status: str) -> dict:
        if status == WebhookDelivery.Status.SUCCEEDED:
            return {
                "delivered_at": getattr(self, "delivered_at", timezone.now()),
                "response_status": getattr(self, "status_code", None),
            }
        return {"response_status": getattr(self, "status_code", None)}

    def _post(self, endpoint, delivery, body: bytes) -> WebhookAttempt:
        check_no_transaction(f"webhook POST to {urlsplit(endpoint.url).hostname}")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "telecom-portal-webhooks/1",
            "X-Portal-Timestamp": timestamp,
            "X-Portal-Signature": sign(endpoint.secret, timestamp, body),
            "X-Portal-Event": delivery.event,
            "X-Portal-Delivery": delivery.event_id,
        }
        attempt = WebhookAttempt(delivery=delivery, tenant_id=delivery.tenant_id, at=timezone.now())
        started = time.monotonic()
        if why := refused_address(urlsplit(endpoint.url).hostname):
            # Checked again at each delivery: the name may resolve elsewhere since it was saved.
            attempt.error = f"Not sent: {why}."[:255]
            self.status_code = None
            return attempt
        try:
            with requests.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
                stream=True,
            ) as response:
                attempt.status_code = response.status_code
                raw = response.raw.read(BODY_EXCERPT, decode_content=True) or b""
                attempt.response_body = raw.decode("utf-8", "replace")[:BODY_EXCERPT]
        except requests.Timeout:
            attempt.error = f"No answer within {TIMEOUT_SECONDS} seconds."
        except requests.RequestException as exc:
            attempt.error = f"Could not connect: {type(exc).__name__}."[:255]
        attempt.duration_ms = int((time.monotonic() - started) * 1000)
        self.status_code = attempt.status_code
        # The URL's host only: a query string may carry the tenant's own credentials.
        log.info(
            "webhook %s to %s: %s",
            delivery.event_id,
            urlsplit(endpoint.url).hostname,
            attempt.status_code or attempt.error,
        )
        return attempt


def deliveries_purge() -> int:
    """Finished deliveries older than TENANT_WEBHOOK_LOG_DAYS leave the log (their attempts
    with them), so it stays the size a person reads."""
    cutoff = timezone.now() - timedelta(days=settings.TENANT_WEBHOOK_LOG_DAYS)
    with scopes_disabled():
        old = WebhookDelivery.objects.filter(
            created_at__lt=cutoff,
            status__in=[WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED],
        )
        ids = list(old.values_list("pk", flat=True)[:5000])
        WebhookDelivery.objects.filter(pk__in=ids).delete()
    return len(ids)


def deliveries_due() -> int:
    """The beat's backstop: deliveries whose task was lost (due, not running) are sent again;
    the claim makes a duplicate harmless."""
    cutoff = timezone.now() - timedelta(minutes=2)
    with scopes_disabled():
        rows = list(
            WebhookDelivery.objects.filter(
                status=WebhookDelivery.Status.QUEUED, due_at__lt=cutoff
            ).values_list("pk", "attempt")[:500]
        ) + list(
            WebhookDelivery.objects.filter(
                status=WebhookDelivery.Status.RETRYING, retry_at__lt=cutoff
            ).values_list("pk", "attempt")[:500]
        )
    for pk, attempt in rows:
        WebhookRunner.send(pk, attempt=attempt)
    return len(rows)
