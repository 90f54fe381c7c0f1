"""Tenants, users, memberships (roles) and API tokens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Manager
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import ScopedManager

from portal.crypto import EncryptedTextField

from .choices import Role, TenantStatus
from .querysets import (
    ApiTokenQuerySet,
    MembershipQuerySet,
    TenantQuerySet,
    UserManager,
    normalize_email,
)

# One text for the slug's rule, in its help and in its error.
SLUG_RULE = "1 to 50 lowercase letters, digits and hyphens, not starting or ending with a hyphen"
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?\Z",
    f"“%(value)s” is not a valid slug: use {SLUG_RULE}.",
)


RESERVED_SLUGS = {"new", "admin", "api", "static", "platform", "login", "logout"}


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. System administrators are superusers; support staff are staff
    users whose Django-admin rights come from the Support group."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        "support staff",
        default=False,
        help_text="Can log in to the Django admin (/admin/) with the rights of their groups.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Where a tenant user lands after logging in; kept on the user so it outlives the session.
    last_tenant = models.ForeignKey(
        "Tenant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    audit_log = True
    audit_masked_fields = ("password",)
    audit_ignored_fields = ("last_login", "last_tenant")

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_message="An account with this e-mail address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and self.is_superuser

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Tenant(models.Model):
    Status = TenantStatus

    name = models.CharField(max_length=120, unique=True)
    # A CharField: SlugField would add Django's own slug rule, with a different text.
    slug = models.CharField(
        max_length=50,
        unique=True,
        validators=[slug_validator],
        help_text=f"Used in addresses: /t/<slug>/. {SLUG_RULE[0].upper()}{SLUG_RULE[1:]}.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    contact_email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)
    suspended_reason = models.CharField(max_length=255, blank=True)
    default_country = models.CharField(
        max_length=2,
        default="US",
        help_text="Numbers typed without a country code (such as (646) 809-7065) are read as "
        "numbers of this country (ISO 3166 code).",
    )
    uploads_documents = models.BooleanField(
        "tenant admins upload number documents",
        default=False,
        help_text="Let the tenant's admins upload the documents Wavix requires for a number "
        "(proof of identity, address, business registration). System administrators always can.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    audit_log = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def audit_tenant_id(self) -> int | None:
        """A tenant's own changes are in its audit log (portal.audit reads this)."""
        return self.pk

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is reserved; choose another slug."})


class Membership(models.Model):
    """A user's role in a tenant. A user may belong to several tenants."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(
        tenant="tenant", _manager_class=Manager.from_queryset(MembershipQuerySet)
    )

    audit_log = True

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.tenant}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def role_label(self) -> str:
        return Role(self.role).label


TOKEN_PREFIX = "pt_"


def hash_token(raw: str) -> str:
    """Tokens are 256 random bits, so a fast hash is as safe as a slow one and keeps each API
    request to one indexed lookup."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """An API credential, shown once at creation and stored only as a hash.

    A token with a tenant acts in that tenant only, with its owner's role there; a token with
    no tenant is platform-wide and only a system administrator can hold one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=16,
        db_index=True,
        help_text="First characters, shown so a token can be recognised without revealing it.",
    )
    key_hash = models.CharField(max_length=64, unique=True)
    allowed_ips = models.JSONField(
        default=list,
        blank=True,
        help_text="Addresses or networks the token may be used from; empty means any.",
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant", _manager_class=Manager.from_queryset(ApiTokenQuerySet))

    audit_log = True
    audit_masked_fields = ("key_hash",)
    audit_ignored_fields = ("last_used_at", "last_used_ip")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_platform(self) -> bool:
        return self.tenant_id is None

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class Invitation(models.Model):
    """A tenant admin's invitation of an e-mail address to their tenant, with a role.

    The link's secret is stored as a hash; its plaintext is kept, encrypted, only until the
    mail is sent (the mail task builds the link from it). A new person sets a password through
    the link; an existing account accepts a membership. The inviter is told the same either way.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    class Mail(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField()
    mail_status = models.CharField(max_length=16, choices=Mail.choices, default=Mail.QUEUED)
    mail_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_masked_fields = ("token_hash", "token")
    audit_ignored_fields = ("mail_status", "mail_error", "sent_at", "send_count", "token")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and tenant: inviting again re-issues it.
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(
                    accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
                ),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.tenant}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.declined_at:
            return self.State.DECLINED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def is_open(self) -> bool:
        """Pending or expired: it can still be resent."""
        return self.state in (self.State.PENDING, self.State.EXPIRED)

    @property
    def role_label(self) -> str:
        return Role(self.role).label
