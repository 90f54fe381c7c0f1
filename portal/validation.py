from django.db import models
from django_scopes import scopes_disabled


def full_clean(instance: models.Model, **kwargs) -> None:
    """Model validation for services. Uniqueness is a rule across tenants, so the uniqueness
    queries run outside the tenant scope (explicitly, here and only here)."""
    with scopes_disabled():
        instance.full_clean(**kwargs)
