from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Manager
from django_scopes import ScopedManager

from .crypto import EncryptedTextField, is_unreadable
from .querysets import AuditEntryQuerySet


class AuditEntry(models.Model):
    """One change: who (a user or a task), when, which object, and its values before/after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    class Source(models.TextChoices):
        UI = "ui", "Portal"
        API = "api", "API"
        ADMIN = "admin", "Django admin"
        TASK = "task", "Task"
        SYSTEM = "system", "System"

    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor_label = models.CharField(max_length=200, help_text="The user's email or the task.")
    source = models.CharField(max_length=16, choices=Source.choices)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=255, blank=True)

    # Tenant admins read their tenant's entries through the scope; the platform view opts out.
    objects = ScopedManager(
        tenant="tenant", _manager_class=Manager.from_queryset(AuditEntryQuerySet)
    )

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["tenant", "-timestamp"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"

    @property
    def model_label(self) -> str:
        from .audit import model_label

        model = self.content_type.model_class()
        return model_label(model) if model else self.content_type.model

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """What changed, readable: (field, before, after)."""
        from .audit import change_rows

        return change_rows(self.content_type.model_class(), self.changes or {})

    @property
    def changed_labels(self) -> str:
        from .audit import field_label

        model = self.content_type.model_class()
        return ", ".join(field_label(model, name) for name in self.changes or {})


class WavixAccount(models.Model):
    """A Wavix account the portal provisions on. The API key is encrypted at rest and never
    shown again after entry."""

    class AuthMode(models.TextChoices):
        BEARER = "bearer", "Authorization header (current API)"
        APPID = "appid", "appid query parameter (legacy)"

    name = models.CharField(max_length=100, unique=True)
    base_url = models.URLField(default="https://api.wavix.com")
    api_key = EncryptedTextField()
    auth_mode = models.CharField(max_length=16, choices=AuthMode.choices, default=AuthMode.BEARER)
    is_default = models.BooleanField(default=False)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True, blank=True)
    last_check_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_log = True
    audit_masked_fields = ("api_key",)
    audit_ignored_fields = ("last_checked_at", "last_check_ok", "last_check_message")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="wavixaccount_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def api_key_unreadable(self) -> bool:
        """The stored key cannot be decrypted (the encryption keys changed): enter it again."""
        return is_unreadable(self.api_key)

    @property
    def key_hint(self) -> str:
        """The last four characters, so an operator can tell keys apart."""
        return f"…{self.api_key[-4:]}" if self.api_key else ""
