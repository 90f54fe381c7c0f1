"""The account profile, including the account-wide webhook defaults."""

from __future__ import annotations

import zoneinfo

from django.db import transaction

from ..models import SandboxAccount
from ..params import Invalid, Params

FIELDS = (
    "additional_info",
    "contacts",
    "default_short_link_endpoint",
    "first_name",
    "last_name",
    "phone",
    "sms_relay_url",
    "dlr_relay_url",
    "time_zone",
    "job_title",
    "company_info",
)
COMPANY_FIELDS = (
    "name",
    "industry",
    "billing_address",
    "attn_contact_name",
    "vat_number",
    "country_code",
)
INDUSTRIES = (
    "telecommunications",
    "information technology and services",
    "fintech and finance",
    "healthcare and pharmaceuticals",
    "ecommerce and retail",
    "education and research",
    "pickup and delivery",
    "transportation and logistics",
    "media and entertainment",
    "travel and hospitality",
    "non-profit and charity organizations",
    "manufacturing and industrial goods",
    "other",
)
# Request field -> model field; the request and the response name some fields differently.
PLAIN = {
    "additional_info": "additional_info",
    "contacts": "contact_email",
    "default_short_link_endpoint": "default_short_link_endpoint",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "job_title": "job_title",
}
COMPANY = {
    "name": "company_name",
    "billing_address": "company_address",
    "attn_contact_name": "company_attn_contact_name",
    "vat_number": "company_vat_number",
}


def profile_changes(params: Params) -> dict:
    params.only(FIELDS)
    changes = {
        field: params.str(key, max_length=500) for key, field in PLAIN.items() if params.has(key)
    }
    for key in ("sms_relay_url", "dlr_relay_url"):
        if params.has(key):
            value = params.str(key)
            changes[key] = params.url(key) if value else ""
    if params.has("time_zone"):
        zone = params.str("time_zone", blank=False)
        if zone not in zoneinfo.available_timezones():
            raise Invalid("time_zone", "must be an IANA time zone such as Europe/Berlin", zone)
        changes["timezone"] = zone
    company = params.obj("company_info")
    if company is not None:
        company.only(COMPANY_FIELDS)
        changes.update(
            {
                field: company.str(key, max_length=500)
                for key, field in COMPANY.items()
                if company.has(key)
            }
        )
        if company.has("industry"):
            changes["company_industry"] = company.str("industry", choices=INDUSTRIES)
        if company.has("country_code"):
            changes["company_country_code"] = company.str(
                "country_code", pattern=r"[A-Z]{2}", rule="must be a two-letter ISO country code"
            )
    return changes


def profile_update(*, account: SandboxAccount, changes: dict) -> SandboxAccount:
    for name, value in changes.items():
        setattr(account, name, value)
    with transaction.atomic():
        account.full_clean()
        account.save()
    return account
