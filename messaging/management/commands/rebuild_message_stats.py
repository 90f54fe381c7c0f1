"""Recounts the statistics' daily roll-up from the messages: the whole history, or the days
from --since to --until (after restoring messages from a backup, or changing TIME_ZONE)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from messaging.services.stats import stats_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date: give it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Recount the message statistics (the daily roll-up) from the messages: every day, or "
        "the days from --since to --until."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="First day to recount (YYYY-MM-DD).")
        parser.add_argument("--until", help="Last day to recount (YYYY-MM-DD; default today).")

    def handle(self, *args, since=None, until=None, **options):
        first = _day(since) if since else None
        last = _day(until) if until else None
        if first and last and first > last:
            raise CommandError(f"--since {first} is after --until {last}.")
        started = time.perf_counter()
        rows = stats_rebuild(since=first, until=last)
        took = time.perf_counter() - started
        self.stdout.write(f"Recounted the message statistics: {rows} rows in {took:.1f} s.")
