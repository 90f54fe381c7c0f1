"""SIP trunks. A PUT replaces the whole configuration: what it leaves out falls back to the
default. IP authentication and caller-ID passthrough (`multiple_numbers`) wait for Wavix's
manual approval, which the operator endpoint grants or refuses."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

from django.db import transaction

from .. import numbering
from ..models import SandboxAccount, SandboxNumber, SandboxTrunk
from ..params import Invalid, Params, public_ip

FIELDS = (
    "label",
    "password",
    "host_request",
    "callerid",
    "multiple_numbers",
    "ip_restrict",
    "allowed_ips",
    "didinfo_enabled",
    "call_restrict",
    "call_limit",
    "cost_limit",
    "max_call_cost",
    "channels_restrict",
    "max_channels",
    "rewrite_enabled",
    "rewrite_prefix",
    "rewrite_cond",
    "call_recording_enabled",
    "transcription_enabled",
    "transcription_threshold",
    "machine_detection_enabled",
    "encrypted_media",
)
# The account's limits a trunk may not exceed (Wavix sets them per account).
MAX_CALL_SECONDS = 14_400
MAX_CHANNELS = 100


def _password(params: Params) -> str:
    password = params.str("password", required=True)
    if len(password) < 8 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        # The value itself is never echoed back.
        raise Invalid("password", "must be at least 8 characters with letters and digits")
    return password


def _callerid(account: SandboxAccount, params: Params, multiple: bool) -> str:
    raw = params.str("callerid", required=True)
    if not raw:
        if not multiple:
            raise Invalid("callerid", "is required unless multiple_numbers is true", raw)
        return ""
    digits = numbering.normalize(raw)
    active = SandboxNumber.objects.filter(
        account=account, number=digits, status=SandboxNumber.Status.ACTIVE
    )
    if not digits or not active.exists():
        raise Invalid("callerid", "must be an active number on the account", raw)
    return digits


def _allowed_ips(params: Params, ip_restrict: bool) -> list[dict]:
    items = params.list("allowed_ips") or []
    if ip_restrict and not items:
        raise Invalid("allowed_ips", "is required when ip_restrict is true")
    ips = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("ip"), str):
            raise Invalid(f"allowed_ips[{i}]", "must be an object with an ip", item)
        ips.append({"id": i + 1, "ip": public_ip(f"allowed_ips[{i}].ip", item["ip"])})
    return ips if ip_restrict else []


def _limited(params: Params, flag: str, limit: str, maximum: int) -> tuple[bool, int | None]:
    # The limit is ignored, unchecked, when its flag is off, as Wavix documents.
    if not params.bool(flag, required=True):
        return False, None
    return True, params.int(limit, required=True, minimum=1, maximum=maximum)


def trunk_config(account: SandboxAccount, params: Params) -> dict[str, Any]:
    """Reads a SIPTrunkCreateRequest, field by field in the spec's order (so the first
    problem reported is the first in the form); every field it omits takes its default."""
    params.only(FIELDS)
    config: dict[str, Any] = {
        "label": params.str("label", required=True, blank=False, max_length=100),
        "password": _password(params),
    }
    host_request = params.obj("host_request")
    config["host_request_ip"] = (
        public_ip("host_request.host", host_request.str("host", required=True))
        if host_request
        else None
    )
    config["multiple_numbers"] = params.bool("multiple_numbers", default=False)
    config["callerid"] = _callerid(account, params, config["multiple_numbers"])
    config["ip_restrict"] = params.bool("ip_restrict", required=True)
    config["allowed_ips"] = _allowed_ips(params, config["ip_restrict"])
    config["didinfo_enabled"] = params.bool("didinfo_enabled", required=True)
    config["call_restrict"], config["call_limit"] = _limited(
        params, "call_restrict", "call_limit", MAX_CALL_SECONDS
    )
    config["cost_limit"] = params.bool("cost_limit", required=True)
    config["max_call_cost"] = (
        params.decimal("max_call_cost", required=True) if config["cost_limit"] else None
    )
    config["channels_restrict"], config["max_channels"] = _limited(
        params, "channels_restrict", "max_channels", MAX_CHANNELS
    )
    config.update(
        rewrite_enabled=params.bool("rewrite_enabled", required=True),
        rewrite_prefix=params.str(
            "rewrite_prefix", default="", pattern=r"[0-9]{0,16}", rule="must be up to 16 digits"
        ),
        rewrite_cond=params.str(
            "rewrite_cond",
            default="",
            pattern=r"[0-9]{0,2}",
            rule="must be a number of leading digits (0-99)",
        ),
        call_recording_enabled=params.bool("call_recording_enabled", default=False),
        transcription_enabled=params.bool("transcription_enabled", required=True),
        transcription_threshold=params.int(
            "transcription_threshold", required=True, minimum=0, maximum=3600
        ),
        machine_detection_enabled=params.bool("machine_detection_enabled", default=False),
        encrypted_media=params.bool("encrypted_media", default=False),
    )
    return config


def _apply_review_state(trunk: SandboxTrunk, ip: str | None) -> None:
    """An address or passthrough already approved stays approved; anything new waits."""
    if ip is None:
        trunk.host_request, trunk.host_request_status, trunk.host = "", "", "dynamic"
    elif ip != trunk.host_request or trunk.host_request_status != "approved":
        trunk.host_request, trunk.host_request_status, trunk.host = ip, "pending", "dynamic"
    if not trunk.multiple_numbers:
        trunk.passthrough = False
    waiting = trunk.host_request_status == "pending" or (
        trunk.multiple_numbers and not trunk.passthrough
    )
    trunk.status = SandboxTrunk.Status.PENDING if waiting else SandboxTrunk.Status.ACTIVE


def trunk_save(
    *, account: SandboxAccount, config: dict[str, Any], trunk: SandboxTrunk | None = None
) -> SandboxTrunk:
    """Creates a trunk, or replaces an existing trunk's whole configuration."""
    config = dict(config)
    ip = config.pop("host_request_ip")
    creating = trunk is None
    if creating:
        trunk = SandboxTrunk(
            account=account,
            name=f"new-{uuid.uuid4().hex[:10]}",
            access_token="sip" + secrets.token_hex(32),
        )
    for name, value in config.items():
        setattr(trunk, name, value)
    _apply_review_state(trunk, ip)
    with transaction.atomic():
        trunk.full_clean()
        trunk.save()
        if creating:
            # Wavix's SIP logins are short numbers; derive one from the row id.
            trunk.name = str(30000 + trunk.pk)
            trunk.save(update_fields=["name"])
    return trunk


def trunk_review(*, trunk: SandboxTrunk, approve: bool) -> SandboxTrunk:
    """Wavix's manual review of IP authentication and caller-ID passthrough."""
    if trunk.host_request:
        trunk.host_request_status = "approved" if approve else "rejected"
        trunk.host = trunk.host_request if approve else "dynamic"
    trunk.passthrough = approve and trunk.multiple_numbers
    trunk.status = SandboxTrunk.Status.ACTIVE if approve else SandboxTrunk.Status.REJECTED
    trunk.save()
    return trunk
