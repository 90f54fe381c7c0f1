"""Loads the demo data for `make run` (portal/demo/). Running it again changes nothing."""

from django.core.management.base import BaseCommand

from portal.demo import seed_demo


class Command(BaseCommand):
    help = "Loads the demo tenants and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wavix-base-url",
            default="http://127.0.0.1:8000/wavix-sandbox",
            help="Where the portal reaches the Wavix sandbox.",
        )

    def handle(self, *args, **options):
        seed_demo(wavix_base_url=options["wavix_base_url"], stdout=self.stdout)
