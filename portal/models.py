from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Manager
from django_scopes import ScopedManager

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
        return (
            self.content_type.model_class()._meta.verbose_name.capitalize()
            if self.content_type.model_class()
            else self.content_type.model
        )
