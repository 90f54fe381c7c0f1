"""Demo users and tenants, each tenant with its DID pool. Idempotent."""

from __future__ import annotations

from typing import TextIO

from dids.services import pool_save
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


def seed_demo_tenants(stdout: TextIO) -> None:
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
            stdout.write(f"created user {email}")
        users[email] = user
    for name, slug, contact, members, numbers in TENANTS:
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            tenant = services.tenant_create(name=name, slug=slug, contact_email=contact)
            stdout.write(f"created tenant {slug}")
            for email, role in members:
                services.membership_set(tenant=tenant, user=users[email], role=role)
            pool, _ = pool_save(tenant=tenant, text=numbers)
            stdout.write(f"gave {slug} a pool of {pool.size:,} numbers")
