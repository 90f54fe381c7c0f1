"""A portal trunk as Wavix's JSON and back, and the comparison the reconcile shows as drift.

Wavix's PUT replaces the whole trunk, so `to_wavix` always writes every field Wavix reads.
Wavix never returns the password, so it is neither compared nor imported.

Allowed addresses: the portal keeps what the administrator typed, addresses and networks.
Wavix takes single addresses only (its spec: "a public static IP address"), so `to_wavix`
sends each network as all its addresses, and what Wavix returns is collapsed back into
networks; the reconcile compares the two sides as sets of addresses, so a pushed /29 is no
drift.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from portal import phone

from . import rules
from .models import SETTINGS

# The settings both sides hold, compared by the reconcile: the portal's settings, with the
# address Wavix authenticates standing for the authentication method (Wavix has no such field).
CONFIG_FIELDS = (*(name for name in SETTINGS if name != "auth_method"), "ip_auth_host")
_FLAGS = (
    "didinfo_enabled",
    "rewrite_enabled",
    "call_recording_enabled",
    "transcription_enabled",
    "machine_detection_enabled",
    "encrypted_media",
)


def address_limits() -> dict[str, int]:
    """The configured limits of a trunk's allowed addresses (see `rules.parse_allowed_ips`)."""
    return {
        "max_network_addresses": settings.TRUNK_MAX_NETWORK_ADDRESSES,
        "max_addresses": settings.TRUNK_MAX_ALLOWED_ADDRESSES,
    }


def to_wavix(trunk) -> dict[str, Any]:
    """A SIPTrunkCreateRequest carrying every setting (create and full replacement). Each
    allowed network goes as all its addresses; `rules.Problems` if they exceed the limits
    (a network stored before the limits were what they are)."""
    ips = list(trunk.allowed_ips or [])
    addresses = rules.expand_allowed_ips(ips, **address_limits())
    body: dict[str, Any] = {
        "label": trunk.label,
        "password": _password(trunk),
        "callerid": str(trunk.callerid) if trunk.callerid else "",
        "multiple_numbers": trunk.passthrough,
        "ip_restrict": bool(addresses),
        "allowed_ips": [{"ip": ip} for ip in addresses],
        "didinfo_enabled": trunk.didinfo_enabled,
        "call_restrict": trunk.call_limit is not None,
        "cost_limit": trunk.max_call_cost is not None,
        "channels_restrict": trunk.max_channels is not None,
        "rewrite_enabled": trunk.rewrite_enabled,
        "rewrite_prefix": trunk.rewrite_prefix,
        "rewrite_cond": trunk.rewrite_cond,
        "call_recording_enabled": trunk.call_recording_enabled,
        "transcription_enabled": trunk.transcription_enabled,
        "transcription_threshold": trunk.transcription_threshold,
        "machine_detection_enabled": trunk.machine_detection_enabled,
        "encrypted_media": trunk.encrypted_media,
    }
    if trunk.is_ip_auth and ips:
        body["host_request"] = {"host": ips[0]}
    # A limit is only read by Wavix when its flag is on.
    if trunk.call_limit is not None:
        body["call_limit"] = trunk.call_limit
    if trunk.max_call_cost is not None:
        body["max_call_cost"] = float(trunk.max_call_cost)
    if trunk.max_channels is not None:
        body["max_channels"] = trunk.max_channels
    return body


def _password(trunk) -> str:
    """Wavix requires a password on every trunk. An IP trunk never uses it, and the portal
    holds none for one created without: each push sends a throwaway, known to no one."""
    if trunk.password or not trunk.is_ip_auth:
        return trunk.password
    return rules.generate_password()


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).normalize()
    except InvalidOperation:
        return None


def _number(value) -> int | None:
    return phone.from_storage(value)


def ip_auth_host(data: dict) -> str | None:
    """The address Wavix authenticates by IP: the request under review, or the approved host."""
    request = data.get("host_request") or {}
    if request.get("host"):
        return request["host"]
    host = data.get("host")
    return host if host and host != "dynamic" else None


def config_from_wavix(data: dict) -> dict[str, Any]:
    """The portal's settings as Wavix holds them (a SIPTrunkResponse, merged with the list's
    summary for the review state)."""
    config = {
        "label": data.get("label") or "",
        "callerid": _number(data.get("callerid")),
        "passthrough": bool(data.get("multiple_numbers")),
        # Wavix's single addresses, collapsed into the networks they form.
        "allowed_ips": rules.collapse_allowed_ips(
            [i.get("ip") for i in data.get("allowed_ips") or [] if i.get("ip")]
        ),
        "ip_auth_host": ip_auth_host(data),
        "call_limit": data.get("call_limit") if data.get("call_restrict") else None,
        "max_call_cost": _decimal(data.get("max_call_cost")) if data.get("cost_limit") else None,
        "max_channels": data.get("max_channels") if data.get("channels_restrict") else None,
        "rewrite_prefix": data.get("rewrite_prefix") or "",
        "rewrite_cond": data.get("rewrite_cond") or "",
        "transcription_threshold": int(data.get("transcription_threshold") or 0),
    }
    for flag in _FLAGS:
        config[flag] = bool(data.get(flag))
    return config


def config_of(trunk) -> dict[str, Any]:
    """The same settings as the portal holds them."""
    config = {name: getattr(trunk, name) for name in CONFIG_FIELDS if name != "ip_auth_host"}
    config["allowed_ips"] = list(trunk.allowed_ips or [])
    config["max_call_cost"] = _decimal(trunk.max_call_cost)
    config["ip_auth_host"] = (
        trunk.allowed_ips[0] if trunk.is_ip_auth and trunk.allowed_ips else None
    )
    return config


def differences(trunk, data: dict) -> dict[str, list]:
    """{field: [portal value, Wavix value]} for every setting that differs, JSON-safe. Allowed
    addresses differ only if the addresses differ: the portal's networks against Wavix's
    addresses collapsed, in any order."""
    ours, theirs = config_of(trunk), config_from_wavix(data)
    return {
        name: [_plain(ours[name]), _plain(theirs[name])]
        for name in CONFIG_FIELDS
        if not _same(name, ours[name], theirs[name])
    }


def _same(name: str, ours, theirs) -> bool:
    if name == "allowed_ips":
        return rules.same_addresses(ours, theirs)
    return ours == theirs


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def review_state(data: dict, *, ip_auth: bool) -> dict[str, Any]:
    """Wavix's manual review as the portal shows it: trunk status, IP approval, passthrough."""
    request = data.get("host_request") or {}
    if request.get("status"):
        approval = request["status"]
    elif ip_auth:
        approval = "approved" if ip_auth_host(data) and data.get("host") != "dynamic" else "pending"
    else:
        approval = ""
    waiting = approval == "pending" or (
        data.get("multiple_numbers") and not data.get("passthrough")
    )
    status = data.get("status") or ("pending" if waiting else "active")
    return {
        "wavix_status": status,
        "ip_approval": approval,
        "passthrough_approved": bool(data.get("passthrough")),
    }
