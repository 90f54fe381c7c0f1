"""Demo data for `make run`: a system administrator, two tenants each with a tenant admin and an
agent, a user in both tenants, a support-staff user, each tenant's DID pool (Globex's with a
range of a million numbers), and the Wavix sandbox as the Wavix account. Running it again
changes nothing."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from dids.demo import seed_demo_e911
from dids.services import pool_save
from portal.audit import actor_context
from portal.models import WavixAccount
from portal.services import wavix_account_save
from tenants import services
from tenants.models import Role, Tenant, User
from trunks.demo import seed_demo_trunks

DEMO_PASSWORD = "demo-portal-2026"
SANDBOX_ACCOUNT = "Wavix sandbox"

USERS = [
    # email, full name, system admin, support
    ("admin@portal.example", "Sam Sysadmin", True, False),
    ("support@portal.example", "Sue Support", False, True),
    ("alice@acme.example", "Alice Admin", False, False),
    ("aaron@acme.example", "Aaron Agent", False, False),
    ("gina@globex.example", "Gina Admin", False, False),
    ("gus@globex.example", "Gus Agent", False, False),
]
TENANTS = [
    (
        "Acme Telecom",
        "acme",
        "noc@acme.example",
        [("alice@acme.example", Role.ADMIN), ("aaron@acme.example", Role.AGENT)],
        "16468097065-16468097066;16468097070-16468097080;13125550100-13125550199",
    ),
    (
        "Globex Corporation",
        "globex",
        "it@globex.example",
        [
            ("gina@globex.example", Role.ADMIN),
            ("gus@globex.example", Role.AGENT),
            ("alice@acme.example", Role.AGENT),
        ],
        "12125550000-12126549999;14155550123",
    ),
]


class Command(BaseCommand):
    help = "Loads the demo tenants and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wavix-base-url",
            default="http://127.0.0.1:8000/wavix-sandbox",
            help="Where the portal reaches the Wavix sandbox.",
        )

    def handle(self, *args, **options):
        self.base_url = options["wavix_base_url"]
        token = actor_context.enter_system("system:seed_demo")
        try:
            with transaction.atomic():
                self._seed()
        finally:
            actor_context.leave(token)

    def _seed_wavix(self, base_url: str) -> None:
        """The Wavix sandbox as the default account, filled with a realistic account's
        state (numbers held, numbers for sale, trunks, CDRs); the first sync brings the held
        numbers into the inventory."""
        if not settings.WAVIX_SANDBOX_ENABLED:
            return
        call_command("sandbox_seed", stdout=self.stdout)
        added = seed_demo_e911()
        if added:
            self.stdout.write(f"gave {added} demo numbers an E911 address (some have none)")
        account = WavixAccount.objects.filter(name=SANDBOX_ACCOUNT).first()
        if account is None or account.base_url != base_url:
            wavix_account_save(
                account=account,
                name=SANDBOX_ACCOUNT,
                base_url=base_url,
                auth_mode="bearer",
                api_key=settings.WAVIX_SANDBOX_API_KEY,
                is_default=True,
            )
            self.stdout.write(f"Wavix account “{SANDBOX_ACCOUNT}” points at {base_url}")
        seed_demo_trunks(WavixAccount.objects.get(name=SANDBOX_ACCOUNT), self.stdout)

    def _seed(self) -> None:
        users = {}
        for email, name, is_admin, is_support in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = services.user_create(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=name,
                    is_system_admin=is_admin,
                    is_support=is_support,
                )
                self.stdout.write(f"created user {email}")
            users[email] = user
        for name, slug, contact, members, numbers in TENANTS:
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant = services.tenant_create(name=name, slug=slug, contact_email=contact)
                self.stdout.write(f"created tenant {slug}")
                for email, role in members:
                    services.membership_set(tenant=tenant, user=users[email], role=role)
                pool, _ = pool_save(tenant=tenant, text=numbers)
                self.stdout.write(f"gave {slug} a pool of {pool.size:,} numbers")
        self._seed_wavix(self.base_url)
