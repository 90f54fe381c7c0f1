"""Queues an inventory sync of every Wavix account (the worker runs it)."""

from django.core.management.base import BaseCommand

from dids import services
from dids.models import Did
from portal.models import WavixAccount


class Command(BaseCommand):
    help = "Queues a sync of the numbers held on Wavix, for every account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when no number held on Wavix is in the inventory yet (first start).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Did.objects.filter(account__isnull=False).exists():
            return
        for account in WavixAccount.objects.all():
            run = services.sync_start(account=account, trigger="manual")
            self.stdout.write(f"sync of {account}: {run.get_status_display().lower()}")
