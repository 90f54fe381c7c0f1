"""Sandbox rows rendered exactly as the spec's schemas describe them (field names, types,
nullability): the one place that decides what Wavix's JSON looks like."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .catalogue import DOC_TYPES
from .models import (
    SandboxAccount,
    SandboxCdr,
    SandboxCity,
    SandboxCountry,
    SandboxDestination,
    SandboxE911Record,
    SandboxMessage,
    SandboxNumber,
    SandboxOptOut,
    SandboxSenderId,
    SandboxStockNumber,
    SandboxTrunk,
)


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def money(amount: Decimal | None) -> str | None:
    """Wavix writes amounts as strings with at least one decimal: "1.0", "0.0079"."""
    if amount is None:
        return None
    text = format(Decimal(amount).normalize(), "f")
    return text if "." in text else f"{text}.0"


def _blank_as_null(value: str) -> str | None:
    return value or None


def profile(account: SandboxAccount) -> dict:
    country = SandboxCountry.objects.filter(short_name=account.company_country_code).first()
    return {
        "id": account.pk,
        "email": account.email,
        "first_name": _blank_as_null(account.first_name),
        "last_name": _blank_as_null(account.last_name),
        "phone": _blank_as_null(account.phone),
        "additional_info": _blank_as_null(account.additional_info),
        "contact_email": _blank_as_null(account.contact_email),
        "timezone": account.timezone,
        "job_title": _blank_as_null(account.job_title),
        "default_short_link_endpoint": _blank_as_null(account.default_short_link_endpoint),
        "default_destinations": account.default_destinations,
        "company_info": {
            "name": _blank_as_null(account.company_name),
            "industry": _blank_as_null(account.company_industry),
            "address": _blank_as_null(account.company_address),
            "attn_contact_name": _blank_as_null(account.company_attn_contact_name),
            "vat_number": _blank_as_null(account.company_vat_number),
            "country": {
                "country_name": country.name if country else None,
                "country_id": country.pk if country else None,
            },
        },
    }


def country(c: SandboxCountry) -> dict:
    return {"id": c.pk, "name": c.name, "has_provinces_or_states": c.has_provinces_or_states}


def city(c: SandboxCity) -> dict:
    return {"id": c.pk, "name": c.name, "area_code": c.area_code}


def stock_number(s: SandboxStockNumber) -> dict:
    """An AvailableNumber; note `channels` is a string and `require_docs` integers here."""
    return {
        "id": s.pk,
        "activation_fee": money(s.activation_fee),
        "monthly_fee": money(s.monthly_fee),
        "per_min": money(s.per_min),
        "channels": str(s.channels),
        "city": s.city.name,
        "country": s.city.country.name,
        "country_short_name": s.city.country.short_name,
        "cnam": s.cnam,
        "free_min": s.free_min,
        "number": s.number,
        "require_docs": list(s.require_docs),
        "sms_enabled": s.sms_enabled,
        "sms_price": float(s.sms_price),
        "domestic_cli": s.domestic_cli,
    }


def doc_types() -> list[dict]:
    return [dict(d) for d in DOC_TYPES]


def destination(d: SandboxDestination) -> dict:
    return {
        "id": d.pk,
        "destination": d.destination,
        "priority": d.priority,
        "transport": d.transport,
        "trunk_id": d.trunk_id,
        "srtp": d.srtp,
        "trunk_label": d.trunk.label if d.trunk else None,
    }


def number(n: SandboxNumber) -> dict:
    """A Number; `require_docs` holds strings here, unlike AvailableNumber's integers."""
    return {
        "id": n.pk,
        "number": n.number,
        "activation_fee": money(n.activation_fee),
        "monthly_fee": money(n.monthly_fee),
        "per_min": money(n.per_min),
        "city": n.city.name,
        "state": n.city.region.code if n.city.region else None,
        "country": n.city.country.name,
        "country_short_name": n.city.country.short_name,
        "destination": [destination(d) for d in n.destinations.all()],
        "channels": n.channels,
        "require_docs": [str(doc) for doc in n.require_docs],
        "documents": [number_document(d, n) for d in n.documents.all()],
        "domestic_cli": n.domestic_cli,
        "free_min": n.free_min,
        "unlimited": False,
        "label": n.label,
        "status": n.status,
        "seconds": str(n.seconds),
        "added": iso(n.added),
        "paid_until": n.paid_until.isoformat(),
        "sms_enabled": n.sms_enabled,
        "sms_relay_url": n.sms_relay_url,
        "cnam": n.cnam,
        "call_recording_enabled": n.call_recording_enabled,
        "transcription_enabled": n.transcription_enabled,
        "transcription_threshold": n.transcription_threshold,
        "call_status_url": n.call_status_url,
    }


def number_document(d, number: SandboxNumber | None = None) -> dict:
    """A NumberDocument; only a rejected one may be replaced."""
    number = number or d.number
    return {
        "id": d.pk,
        "allow_replace": d.status == "rejected",
        "did_number": number.number,
        "doc_content_type": d.content_type,
        "doc_file_name": d.file_name,
        "doc_type_id": d.doc_type,
        "status": d.status,
        "url": f"https://api.wavix.com/v1/numbers/{number.pk}/papers/{d.pk}",
    }


def trunk(t: SandboxTrunk) -> dict:
    """A SIPTrunkResponse (create, retrieve, update)."""
    return {
        "id": t.pk,
        "name": t.name,
        "callerid": t.callerid,
        "label": t.label,
        "ip_restrict": t.ip_restrict,
        "allowed_ips": list(t.allowed_ips),
        "channels_restrict": t.channels_restrict,
        "max_channels": t.max_channels,
        "cost_limit": t.cost_limit,
        "max_call_cost": money(t.max_call_cost),
        "call_restrict": t.call_restrict,
        "call_limit": t.call_limit,
        "didinfo_enabled": t.didinfo_enabled,
        "rewrite_enabled": t.rewrite_enabled,
        "rewrite_prefix": t.rewrite_prefix,
        "rewrite_cond": t.rewrite_cond,
        "call_recording_enabled": t.call_recording_enabled,
        "machine_detection_enabled": t.machine_detection_enabled,
        "transcription_enabled": t.transcription_enabled,
        "transcription_threshold": t.transcription_threshold,
        "created_at": iso(t.created_at),
        "host": t.host,
        "multiple_numbers": t.multiple_numbers,
        "encrypted_media": t.encrypted_media,
        "passthrough": t.passthrough,
        "access_token": t.access_token,
    }


def trunk_summary(t: SandboxTrunk) -> dict:
    """A SIPTrunkSummary (the list): where pending approvals show."""
    host_request = (
        {"host": t.host_request, "status": t.host_request_status} if t.host_request else None
    )
    return {
        "id": t.pk,
        "name": t.name,
        "callerid": t.callerid,
        "label": t.label,
        "auth_method": "IP auth" if t.host_request else "Digest",
        "host_request": host_request,
        "passthrough": t.passthrough,
        "multiple_numbers": t.multiple_numbers,
        "status": t.status,
        "talk_time": t.talk_time,
        "charge": money(t.charge),
        "call_recording_enabled": t.call_recording_enabled,
        "machine_detection_enabled": t.machine_detection_enabled,
        "transcription_enabled": t.transcription_enabled,
        "transcription_threshold": t.transcription_threshold,
        "encrypted_media": t.encrypted_media,
        "access_token": t.access_token,
    }


def sender_id(s: SandboxSenderId) -> dict:
    return {
        "id": str(s.pk),
        "sender_id": s.sender_id,
        "type": s.type,
        "allowlisted_in": list(s.allowlisted_in),
        "usecase": s.usecase,
        "samples": list(s.samples),
    }


def _message_common(m: SandboxMessage) -> dict:
    return {
        "message_id": str(m.pk),
        "message_type": m.message_type,
        "from": m.sender,
        "to": m.recipient,
        "direction": m.direction,
        "mcc": m.mcc,
        "mnc": m.mnc,
        "message_body": {"text": m.text, "media": m.media},
        "tag": m.tag,
        "status": m.status,
        "segments": m.segments,
        "charge": money(m.charge),
        "submitted_at": iso(m.submitted_at),
        "sent_at": iso(m.sent_at),
        "delivered_at": iso(m.delivered_at),
        "error_message": m.error_message,
        "carrier_fees": money(m.carrier_fees),
    }


def message(m: SandboxMessage) -> dict:
    """A Message (list item), a MessageResponse (retrieve) and a SendMessagesResponse (send)
    carry the same fields."""
    return _message_common(m)


def delivery_report(m: SandboxMessage) -> dict:
    """The MessagesDeliveryReport webhook body."""
    final = m.status in FINAL_STATUSES
    return {
        "message_id": str(m.pk),
        "message_type": m.message_type,
        "from": m.sender,
        "to": m.recipient,
        "tag": m.tag,
        "status": m.status,
        "segments_count": m.segments,
        "sent": iso(m.submitted_at),
        "delivered": iso(m.delivered_at) if final else None,
        "charge": money(m.charge),
        "carrier_fees": money(m.carrier_fees),
        "error": m.error_message,
    }


def inbound_message(m: SandboxMessage) -> dict:
    """The InboundMessage webhook body."""
    return {
        "message_id": str(m.pk),
        "from": m.sender,
        "to": m.recipient,
        "message_body": {"text": m.text, "media": m.media},
        "received_at": iso(m.submitted_at),
    }


FINAL_STATUSES = frozenset({"delivered", "undelivered", "expired", "rejected", "dlr_expired"})


def opt_out(o: SandboxOptOut) -> dict:
    return {
        "phone_number": o.phone_number,
        "sender_id": o.sender_id,
        "campaign_id": o.campaign_id,
        "created_at": iso(o.created_at),
    }


def cdr(c: SandboxCdr) -> dict:
    received = c.direction == SandboxCdr.Direction.RECEIVED
    row = {
        "date": iso(c.date),
        "from": c.caller,
        "to": c.callee,
        "disposition": c.disposition,
        "duration": c.duration,
        "destination": c.destination,
        "per_minute": money(c.per_minute),
        "charge": money(c.charge),
        "sip_trunk": None if received else c.sip_trunk,
        "uuid": str(c.call_id),
        "call_id": str(c.call_id),
        "parent_uuid": str(c.parent_call_id) if c.parent_call_id else None,
        "parent_call_id": str(c.parent_call_id) if c.parent_call_id else None,
        "answered_by": c.answered_by,
    }
    if received:
        row["forward_fee"] = money(c.forward_fee)
    return row


def e911_address(r: SandboxE911Record) -> dict:
    return {
        "street_number": r.street_number,
        "street": r.street,
        "location": r.location,
        "city": r.city,
        "state": r.state,
        "zip_code": r.zip_code,
        "zip_plus_four": r.zip_plus_four,
    }


def e911_record(r: SandboxE911Record) -> dict:
    return {"phone_number": r.phone_number, "name": r.name, "address": e911_address(r)}


def voice_campaign(c) -> dict:
    return {
        "id": c.pk,
        "status": c.status,
        "timestamp": iso(c.created_at),
        "caller_id": c.caller_id,
        "contact": c.contact,
    }
