"""Demo data for `make run`: a system administrator, two tenants each with a tenant admin and an
agent, a user in both tenants, a support-staff user, and each tenant's DID pool (Globex's
with a range of a million numbers). Running it again changes nothing."""

import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from dids.models import Did
from dids.services import pool_save
from portal.audit import actor_context
from tenants import services
from tenants.models import Role, Tenant, User

DEMO_PASSWORD = "demo-portal-2026"

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

    def handle(self, *args, **options):
        token = actor_context.enter_system("system:seed_demo")
        try:
            with transaction.atomic():
                self._seed()
        finally:
            actor_context.leave(token)

    def _seed_inventory(self) -> None:
        """Numbers held on Wavix for the demo pools, as the Wavix sync records them: some
        active, some waiting for documents, most SMS-enabled."""
        if Did.objects.exists():
            return
        rnd = random.Random(2026)  # noqa: S311 - demo data, not security
        numbers = [
            16468097065,
            16468097066,
            *range(16468097070, 16468097081),
            *range(13125550100, 13125550160),
            *(12125550000 + i * 37 for i in range(150)),
        ]
        cities = {1646: "New York", 1312: "Chicago", 1212: "New York"}
        Did.objects.bulk_create(
            Did(
                number=n,
                country="US",
                city=cities[n // 10_000_000],
                number_type="local",
                status="inactive" if i % 9 == 4 else "active",
                required_docs=["proof of address"] if i % 9 == 4 else [],
                sms_enabled=rnd.random() < 0.7,
                monthly_fee=Decimal("1.50"),
            )
            for i, n in enumerate(numbers)
        )
        self.stdout.write(f"recorded {len(numbers)} numbers held on Wavix")

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
        self._seed_inventory()
