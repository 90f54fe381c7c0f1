"""The customer's trunks on the fake DIDWW: found by the HTTP OUT trunk's Basic credentials,
configured by the demo and the tests (Callback URL, HTTP IN request URL and body), and their
fault injection: the next N sends answer a 5xx, a 429 or time out."""

from __future__ import annotations

import base64
import binascii
import hmac

from django.db import transaction
from django.db.models import F

from .models import SandboxTrunk

# The demo trunk's credentials, accepted always (the first call with them creates the trunk).
DEMO_USERNAME = "didww-demo"
DEMO_PASSWORD = "didww-demo-password"

# The HTTP IN bodies a DIDWW customer writes (Ringotel's, and the one with the message id).
SEED_TEMPLATE = (
    '{"to":"{SMS_DST_ADDR}","from":"{SMS_SRC_ADDR}","time":"{SMS_TIME}",'
    '"text":"{SMS_TEXT}","data":"{SMS_TEXT_BASE64_ENCODED}"}'
)
UUID_TEMPLATE = (
    '{"uuid":"{SMS_UUID}","to":"{SMS_DST_ADDR}","from":"{SMS_SRC_ADDR}","time":"{SMS_TIME}",'
    '"text":"{SMS_TEXT}","data":"{SMS_TEXT_BASE64_ENCODED}"}'
)


def demo_trunk() -> SandboxTrunk:
    trunk, _ = SandboxTrunk.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"password": DEMO_PASSWORD, "inbound_template": SEED_TEMPLATE},
    )
    return trunk


def trunk_authenticate(header: str) -> SandboxTrunk | None:
    """The trunk of a `Basic` Authorization header, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, sep, password = base64.b64decode(token.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not sep:
        return None
    if username == DEMO_USERNAME and password == DEMO_PASSWORD:
        return demo_trunk()
    trunk = SandboxTrunk.objects.filter(username=username).first()
    if trunk is None or not hmac.compare_digest(trunk.password, password):
        return None
    return trunk


def trunk_configure(*, username: str = DEMO_USERNAME, password: str = "", **fields) -> SandboxTrunk:
    """Creates or changes a trunk: `callback_url`, `dlr_enabled`, `rate_limit`, `inbound_url`,
    `inbound_template`."""
    trunk = demo_trunk() if username == DEMO_USERNAME else None
    if trunk is None:
        trunk, _ = SandboxTrunk.objects.get_or_create(
            username=username, defaults={"password": password or username}
        )
    if password:
        fields["password"] = password
    for name, value in fields.items():
        setattr(trunk, name, value)
    trunk.full_clean()
    trunk.save()
    return trunk


def faults_set(
    *,
    trunk: SandboxTrunk,
    fault: str,
    count: int = 1,
    status: int = 503,
    retry_after: int = 1,
    timeout_seconds: float = 30.0,
) -> SandboxTrunk:
    """The next `count` sends answer `fault` (error: `status`, a 5xx; rate_limit: 429 with
    Retry-After; timeout: the message is taken, then the answer is held back until the client
    has given up). fault="" turns faults off."""
    if fault not in SandboxTrunk.Fault.values:
        raise ValueError(f"fault must be one of {SandboxTrunk.Fault.values}")
    if not 500 <= status <= 599:
        raise ValueError("status must be a 5xx")
    trunk.fault, trunk.fault_remaining = fault, max(0, count) if fault else 0
    trunk.fault_status, trunk.fault_retry_after = status, retry_after
    trunk.fault_timeout_seconds = timeout_seconds
    trunk.save()
    return trunk


def fault_draw(trunk: SandboxTrunk) -> str:
    """The fault this send gets ("" for none), counted down atomically."""
    if not trunk.fault or not trunk.fault_remaining:
        return ""
    with transaction.atomic():
        taken = SandboxTrunk.objects.filter(pk=trunk.pk, fault_remaining__gt=0).update(
            fault_remaining=F("fault_remaining") - 1
        )
    return trunk.fault if taken else ""
