"""Sandbox accounts: one per API key. The key in settings.WAVIX_SANDBOX_API_KEY always works:
its account is made on first use, so a fresh database needs no setup step."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import SandboxAccount


def account_create(*, api_key: str, email: str = "sandbox@wavix.example") -> SandboxAccount:
    account = SandboxAccount(
        api_key=api_key,
        email=email,
        first_name="Sandbox",
        last_name="Operator",
        company_name="Portal Telecom Sandbox",
        company_industry="telecommunications",
        company_country_code="US",
    )
    account.full_clean()
    account.save()
    return account


def account_for_key(key: str) -> SandboxAccount | None:
    account = SandboxAccount.objects.filter(api_key=key).first()
    if account is not None or key != settings.WAVIX_SANDBOX_API_KEY:
        return account
    try:
        with transaction.atomic():
            account = account_create(api_key=key)
    except IntegrityError:  # another request made it first
        return SandboxAccount.objects.get(api_key=key)
    if settings.DEBUG:
        # `make run` (DEBUG on) gets a realistic account on its first call without an extra
        # step; tests and benchmarks (DEBUG off) start empty and seed what they need.
        from .seed import seed_account

        seed_account(account=account)
    return account
