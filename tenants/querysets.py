from __future__ import annotations

from django.contrib.auth.base_user import BaseUserManager
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from .choices import Role, TenantStatus


def normalize_email(value: str) -> str:
    """The one form of an e-mail address used for accounts, logins, the login lockout and
    invitations: trimmed and lowercased, so addresses that differ only in case are one."""
    return value.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("email: an email address is required")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: normalize_email(username)})


class TenantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=TenantStatus.ACTIVE)

    def with_counts(self):
        return self.annotate(
            member_count=Count("memberships", distinct=True),
            admin_count=Count("memberships", filter=Q(memberships__role=Role.ADMIN), distinct=True),
        )

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(slug__icontains=text) | Q(contact_email__icontains=text)
        )


class MembershipQuerySet(models.QuerySet):
    def admins(self):
        return self.filter(role=Role.ADMIN)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
