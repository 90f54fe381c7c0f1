"""Fills the Wavix sandbox with realistic state (idempotent): the catalogue, and for one
account its purchased numbers, a SIP trunk, some days of CDRs and a sender ID."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox.wavix.accounts import account_create
from sandbox.wavix.models import SandboxAccount
from sandbox.wavix.seed import DEFAULT_PURCHASED, seed_account


class Command(BaseCommand):
    help = "Seed the Wavix sandbox (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--purchased",
            type=int,
            default=DEFAULT_PURCHASED,
            help=f"purchased numbers the account should hold (default {DEFAULT_PURCHASED})",
        )
        parser.add_argument(
            "--api-key",
            default=None,
            help="the account's API key (default: settings.WAVIX_SANDBOX_API_KEY)",
        )

    def handle(self, *args, purchased: int, api_key: str | None, **options):
        if purchased < 0:
            raise CommandError("--purchased must be 0 or more")
        key = api_key or settings.WAVIX_SANDBOX_API_KEY
        account = SandboxAccount.objects.filter(api_key=key).first() or account_create(api_key=key)
        started = time.monotonic()
        try:
            report = seed_account(account=account, purchased=purchased)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sandbox account {account.email}: {account.numbers.count()} purchased numbers "
            f"({report.purchased} new, {report.in_pools} of them in demo pools), "
            f"{report.stock} numbers added for sale, {report.cdrs} CDRs added "
            f"in {time.monotonic() - started:.1f}s."
        )
