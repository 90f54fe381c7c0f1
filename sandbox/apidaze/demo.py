"""What the portal's demo data puts on the fake Apidaze (portal/demo/apidaze.py calls it):
the one entry point into this fake for demo seeding, so nothing outside the sandbox needs
its models or services. Idempotent: seeding again updates the same rows."""

from __future__ import annotations

from django.db import transaction

from .services import account_save, number_save

DEMO_API_KEY = "apidaze-demo-key"
DEMO_API_SECRET = "apidaze-demo-secret-0123456789"  # noqa: S105 - the fake's demo account


@transaction.atomic
def fake_seed(
    *,
    callback_url: str,
    webhook_url: str,
    numbers: list[str],
    api_key: str = DEMO_API_KEY,
    api_secret: str = DEMO_API_SECRET,
) -> None:
    """The demo account (its status callbacks to `callback_url`) and its numbers, each with
    `webhook_url` as its messaging webhook (as set in Apidaze's console)."""
    account = account_save(api_key=api_key, api_secret=api_secret, callback_url=callback_url)
    for number in numbers:
        number_save(account=account, number=number, webhook_url=webhook_url)
