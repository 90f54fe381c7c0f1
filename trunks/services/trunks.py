"""Writes for SIP trunks: create, edit, delete, retry a failed push, and settle a drift (the
portal's settings pushed again, Wavix's taken, a trunk found on Wavix imported).

A trunk write validates everything before anything is saved (naming the field, the value and
the rule), saves the trunk with its sync state pending and pushes it to Wavix from a task
after the commit (`sync.push`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scopes_disabled

from dids.models import NumberRange
from dids.ranges import is_digits
from portal.jobs.models import JobStatus
from portal.models import WavixAccount
from portal.validation import full_clean

from .. import payloads, rules, selectors
from ..models import SETTINGS, ForeignTrunk, SipTrunk, TrunkAssignment
from . import sync


def _mark_pending(trunk: SipTrunk) -> None:
    trunk.revision = (trunk.revision or 0) + 1
    trunk.sync_state = SipTrunk.SyncState.PENDING
    trunk.sync_error = ""


# Validation ---------------------------------------------------------------------------------


def _limits(data: dict, errors: dict) -> None:
    checks = [
        ("call_limit", "maximum call duration (seconds)", 1, rules.MAX_CALL_SECONDS),
        ("max_channels", "maximum channels", 1, rules.MAX_CHANNELS),
        ("max_call_cost", "maximum call cost (USD)", Decimal("0.0001"), rules.MAX_CALL_COST),
        (
            "transcription_threshold",
            "transcription threshold (seconds)",
            0,
            rules.MAX_TRANSCRIPTION_THRESHOLD,
        ),
    ]
    for name, what, low, high in checks:
        problem = rules.check_range(what, data.get(name), low, high)
        if problem:
            errors.setdefault(name, []).append(problem)
    prefix, cond = data.get("rewrite_prefix") or "", data.get("rewrite_cond") or ""
    if prefix and not (is_digits(prefix) and len(prefix) <= 16):
        errors.setdefault("rewrite_prefix", []).append(
            f"“{prefix}” is not a prefix: up to 16 digits to add before dialled numbers."
        )
    if cond and not (is_digits(cond) and len(cond) <= 2):
        errors.setdefault("rewrite_cond", []).append(
            f"“{cond}” is not a count of leading digits to remove (0 to 99)."
        )
    if data.get("rewrite_enabled") and not (prefix or cond):
        errors.setdefault("rewrite_prefix", []).append(
            "Number rewriting is on: give a prefix to add or a count of digits to remove."
        )


def _allowed_ips(data: dict, errors: dict) -> list[str]:
    try:
        ips = rules.parse_allowed_ips(data.get("allowed_ips") or "", **payloads.address_limits())
    except rules.Problems as exc:
        errors.setdefault("allowed_ips", []).extend(exc.messages)
        return []
    if data.get("auth_method") == SipTrunk.AuthMethod.IP:
        if not ips:
            errors.setdefault("allowed_ips", []).append(
                "IP authentication needs at least one allowed address."
            )
        elif "/" in ips[0]:
            errors.setdefault("allowed_ips", []).append(
                f"The first address is the one Wavix authenticates and must be one host, "
                f"not the network “{ips[0]}”."
            )
    return ips


def _password(trunk: SipTrunk | None, data: dict, errors: dict) -> str:
    """The new password, the current one if none was given, or a generated one. An IP trunk
    needs none: without one the portal holds none (each push sends Wavix a throwaway, see
    `payloads.to_wavix`)."""
    password = data.get("password") or ""
    if data.get("generate_password"):
        return rules.generate_password()
    if not password:
        if trunk is not None and trunk.password_known:
            return trunk.password
        if data.get("auth_method") == SipTrunk.AuthMethod.IP:
            return ""
        if trunk is not None and trunk.password_unreadable:
            errors.setdefault("password", []).append(
                "The stored password cannot be read (the portal's encryption keys changed): "
                "set a new one, typed or generated; the PBX must then use it."
            )
        elif trunk is not None and not trunk.is_ip_auth:  # only an imported trunk has none
            errors.setdefault("password", []).append(
                "The password is unknown (the trunk was imported from Wavix, which never "
                "returns it): set a new one, typed or generated; the PBX must then use it."
            )
        else:
            errors.setdefault("password", []).append(
                "Digest authentication needs a password: type one or generate one."
            )
        return ""
    avoid = (data.get("label") or "", trunk.sip_username if trunk else "")
    problems = rules.password_problems(password, avoid=avoid)
    if problems:
        errors.setdefault("password", []).append("The password " + "; ".join(problems) + ".")
    return password


def _callerid(
    trunk: SipTrunk | None, account: WavixAccount | None, data: dict, errors: dict
) -> int | None:
    try:
        number = rules.parse_number(data.get("callerid"))
    except rules.Problems as exc:
        errors.setdefault("callerid", []).extend(exc.messages)
        return None
    if number is None:
        if not data.get("passthrough"):
            errors.setdefault("callerid", []).append(
                "Give a caller ID, or turn on caller-ID passthrough."
            )
        return None
    if account is not None and not selectors.active_numbers(account=account, numbers=[number]):
        errors.setdefault("callerid", []).append(
            f"+{number} is not an active number of the Wavix account “{account}”."
        )
        return number
    if trunk is not None and trunk.pk is not None:
        _callerid_in_shared_pool(trunk, number, errors)
    return number


def _callerid_in_shared_pool(trunk: SipTrunk, number: int, errors: dict) -> None:
    """Once shared, the trunk's caller ID is a number of a tenant's pool on it."""
    with scopes_disabled():
        names = list(
            TrunkAssignment.objects.filter(trunk=trunk).values_list("tenant__name", flat=True)
        )
        ranges = NumberRange.objects.filter(pool__trunk_assignment__trunk=trunk)
        if not names or ranges.filter(start__lte=number, end__gte=number).exists():
            return
    errors.setdefault("callerid", []).append(
        f"+{number} is not in the pool of a tenant this trunk is shared with ({', '.join(names)})."
    )


def _shares_fit(trunk: SipTrunk | None, max_channels: int | None, errors: dict) -> None:
    if trunk is None or trunk.pk is None or max_channels is None:
        return
    with scopes_disabled():
        over = TrunkAssignment.objects.filter(trunk=trunk, max_calls__gt=max_channels)
        names = [f"{a.tenant.name} ({a.max_calls})" for a in over.select_related("tenant")]
    if names:
        errors.setdefault("max_channels", []).append(
            f"{max_channels} channels is fewer than tenants may use: {', '.join(names)}; "
            "lower their shares first."
        )


def clean_settings(
    *, trunk: SipTrunk | None, account: WavixAccount | None, data: dict
) -> dict[str, Any]:
    """Every rule, every problem at once: {field: value} to save, or a ValidationError."""
    errors: dict[str, list[str]] = {}
    if not (data.get("label") or "").strip():
        errors["label"] = ["Give the trunk a label."]
    if data.get("auth_method") not in SipTrunk.AuthMethod.values:
        errors["auth_method"] = [f"“{data.get('auth_method')}” is not digest or ip."]
    _limits(data, errors)
    clean = {name: data.get(name) for name in SETTINGS if name in data}
    clean["label"] = (data.get("label") or "").strip()
    clean["allowed_ips"] = _allowed_ips(data, errors)
    clean["callerid"] = _callerid(trunk, account, data, errors)
    clean["password"] = _password(trunk, data, errors)
    clean["rewrite_prefix"] = data.get("rewrite_prefix") or ""
    clean["rewrite_cond"] = data.get("rewrite_cond") or ""
    if clean.get("transcription_threshold") is None:
        clean["transcription_threshold"] = 6
    _shares_fit(trunk, data.get("max_channels"), errors)
    if errors:
        raise ValidationError(errors)
    return clean


# Trunks -------------------------------------------------------------------------------------


@transaction.atomic
def trunk_save(
    *, account: WavixAccount | None = None, data: dict, trunk: SipTrunk | None = None
) -> SipTrunk:
    """Creates or changes a trunk and queues its push to Wavix (the whole trunk)."""
    if trunk is not None:
        trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
        if trunk.delete_requested:
            raise ValidationError({"label": "This trunk is being deleted."})
        account = trunk.account
    if account is None:
        raise ValidationError({"account": "Choose the Wavix account the trunk lives on."})
    data = {"auth_method": trunk.auth_method if trunk else SipTrunk.AuthMethod.DIGEST, **data}
    clean = clean_settings(trunk=trunk, account=account, data=data)
    trunk = trunk or SipTrunk(account=account)
    for name, value in clean.items():
        setattr(trunk, name, value)
    _mark_pending(trunk)
    full_clean(trunk)
    sync.queue_push(trunk)
    trunk.save()
    return trunk


@transaction.atomic
def trunk_delete(*, trunk: SipTrunk) -> SipTrunk:
    """Deletes the trunk on Wavix, then here (a task); refused while shared with a tenant."""
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
    with scopes_disabled():
        tenants = sorted(a.tenant.name for a in trunk.assignments.select_related("tenant"))
    if tenants:
        raise ValidationError(
            {"trunk": f"“{trunk}” is shared with {', '.join(tenants)}: stop sharing it first."}
        )
    pushing = trunk.status == JobStatus.RUNNING
    if trunk.wavix_id is None and not pushing and not trunk.create_in_doubt:
        trunk.delete()  # never reached Wavix: nothing to remove there
        return trunk
    trunk.delete_requested = True
    trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.PENDING, ""
    sync.queue_push(trunk)
    trunk.save()
    return trunk


@transaction.atomic
def trunk_retry(*, trunk: SipTrunk) -> SipTrunk:
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
    if trunk.sync_state != SipTrunk.SyncState.FAILED:
        raise ValidationError({"trunk": f"“{trunk}” has not failed; nothing to retry."})
    trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.PENDING, ""
    queued = sync.queue_push(trunk)
    trunk.save(update_fields=["sync_state", "sync_error", "updated_at", *queued])
    return trunk


@transaction.atomic
def trunk_repush(*, trunk: SipTrunk) -> SipTrunk:
    """Drift: the portal's settings win. A trunk missing on Wavix is created again."""
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
    if trunk.needs_new_password:
        why = (
            "its stored copy cannot be read: the portal's encryption keys changed"
            if trunk.password_unreadable
            else "it was imported from Wavix, which never returns it"
        )
        raise ValidationError(
            {
                "password": f"The password of “{trunk}” is unknown ({why}): edit the trunk "
                "and set a new one, which is pushed with the portal's settings."
            }
        )
    if trunk.drift == SipTrunk.Drift.MISSING:
        trunk.wavix_id, trunk.sip_username = None, ""
    trunk.drift, trunk.drift_fields = SipTrunk.Drift.NONE, {}
    _mark_pending(trunk)
    sync.queue_push(trunk)
    trunk.save()
    return trunk


def _allowed_from_wavix(trunk: SipTrunk, addresses: list[str], ip_host: str | None) -> list[str]:
    """Wavix's single addresses as the portal writes them: collapsed into networks where they
    form one (none broader than the portal allows), the address Wavix authenticates first. A
    trunk that already allows exactly these addresses keeps them as the administrator typed
    them."""
    current = list(trunk.allowed_ips or [])
    first_ok = not ip_host or (current and current[0] == ip_host)
    if current and first_ok and rules.same_addresses(current, addresses):
        return current
    limit = settings.TRUNK_MAX_NETWORK_ADDRESSES
    ips = rules.collapse_allowed_ips(addresses, max_network_addresses=limit)
    if ip_host:  # one host, first; it may also lie in a network that follows
        ips = [ip_host, *(ip for ip in ips if ip != ip_host)]
    return ips


def _apply_wavix(trunk: SipTrunk, data: dict) -> None:
    config = payloads.config_from_wavix(data)
    ip_host = config.pop("ip_auth_host")
    config["allowed_ips"] = _allowed_from_wavix(trunk, config["allowed_ips"], ip_host)
    for name, value in config.items():
        setattr(trunk, name, value)
    trunk.auth_method = SipTrunk.AuthMethod.IP if ip_host else SipTrunk.AuthMethod.DIGEST
    trunk.wavix_id = int(data["id"])
    trunk.sip_username = str(data.get("name") or "")
    for name, value in payloads.review_state(data, ip_auth=bool(ip_host)).items():
        setattr(trunk, name, value)
    trunk.wavix_snapshot = data
    trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.IN_SYNC, ""
    trunk.drift, trunk.drift_fields = SipTrunk.Drift.NONE, {}


@transaction.atomic
def trunk_accept_wavix(*, trunk: SipTrunk) -> SipTrunk:
    """Drift: Wavix's settings win (the password stays the portal's)."""
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
    if trunk.drift != SipTrunk.Drift.CHANGED or not trunk.wavix_snapshot:
        raise ValidationError({"trunk": f"“{trunk}” has no changes on Wavix to take."})
    _apply_wavix(trunk, trunk.wavix_snapshot)
    trunk.revision += 1
    trunk.save()
    return trunk


@transaction.atomic
def trunk_import(*, foreign: ForeignTrunk) -> SipTrunk:
    """A trunk found on Wavix becomes a portal trunk, in sync. Wavix never tells the password,
    so the trunk's password is unknown (`password_known` is false): a digest trunk needs a new
    one set (`trunk_save`, which pushes it) before anything else can be pushed."""
    foreign = ForeignTrunk.objects.select_for_update().get(pk=foreign.pk)
    trunk = SipTrunk(account=foreign.account)
    _apply_wavix(trunk, foreign.data)
    full_clean(trunk, exclude=["password"])
    trunk.save()
    foreign.delete()
    return trunk
