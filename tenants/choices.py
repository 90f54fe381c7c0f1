"""The tenants app's choices: a leaf module (as NetBox's `choices.py`), so its querysets and
its models both use them without importing each other."""

from django.db import models


class TenantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class Role(models.TextChoices):
    ADMIN = "admin", "Tenant admin"
    AGENT = "agent", "Agent"
