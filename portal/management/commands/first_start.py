"""What `make run` does once the worker is up, on a portal whose inventory is still empty:
sync every Wavix account's numbers, wait for the syncs (printing their progress), then queue
the E911 and trunk checks against Wavix and send the demo messages (portal/demo/messaging.py,
which need the inventory and the worker), then set the demo's inbound routing and
conversations (portal/demo/routing.py, inbox.py) and the voice campaigns (campaigns.py, whose
caller ID is a synced number), so a newcomer's first page already shows the
inventory, the numbers with E911 and any drift, and messages in every final state. Later
starts do nothing here: beat keeps everything current on its schedule."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dids import services
from dids.models import Did, SyncRun
from dids.services import reconcile
from portal.demo import sandbox_enabled
from portal.demo.campaigns import seed_demo_campaigns
from portal.demo.inbox import seed_demo_inbox
from portal.demo.messaging import seed_demo_messages
from portal.demo.providers import seed_demo_provider_routes
from portal.demo.routing import seed_demo_routing
from portal.models import WavixAccount
from trunks.tasks import reconcile_trunks


class Command(BaseCommand):
    help = "On first start: sync the inventory, wait for it, then queue the Wavix checks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=int, default=300, help="Seconds to wait for the syncs (300)."
        )

    def handle(self, *args, timeout: int = 300, **options):
        # Numbers attached to the demo's other channels are in the inventory from the start.
        if Did.objects.filter(account__isnull=False).exists():
            return
        accounts = list(WavixAccount.objects.all())
        runs = [services.sync_start(account=a, trigger="manual") for a in accounts]
        deadline = time.monotonic() + timeout
        pending = {run.pk for run in runs}
        while pending:
            if time.monotonic() > deadline:
                raise CommandError(
                    f"the inventory sync did not finish within {timeout} s; it goes on in "
                    "the worker (see Numbers → Inventory → Sync runs)"
                )
            time.sleep(1)
            for run in SyncRun.objects.filter(pk__in=pending).select_related("account"):
                if run.status in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING):
                    continue
                pending.discard(run.pk)
                counts = f"{run.created} numbers" if not run.error else run.error
                self.stdout.write(f"Inventory of {run.account}: {run.status}, {counts}")
        with transaction.atomic():
            for account in accounts:
                reconcile.reconcile_start(account=account, trigger="schedule")
            transaction.on_commit(lambda: reconcile_trunks.delay())
        self.stdout.write("E911 and trunk checks against Wavix queued.")
        seed_demo_messages(self.stdout)
        # The inbound side: routing rules on Acme's SMS numbers, then conversations.
        seed_demo_routing(self.stdout)
        seed_demo_provider_routes(self.stdout)
        seed_demo_inbox(self.stdout)
        if sandbox_enabled():
            for account in accounts:
                seed_demo_campaigns(account, self.stdout)
