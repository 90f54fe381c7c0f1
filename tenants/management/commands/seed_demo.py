"""Demo data for `make run`: a system administrator, two tenants each with a tenant admin and an
agent, a user in both tenants, and a support-staff user. Running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

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
        for name, slug, contact, members in TENANTS:
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant = services.tenant_create(name=name, slug=slug, contact_email=contact)
                self.stdout.write(f"created tenant {slug}")
                for email, role in members:
                    services.membership_set(tenant=tenant, user=users[email], role=role)
