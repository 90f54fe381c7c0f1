"""Sender IDs: what a tenant's messages show as their sender, per country, and the jobs that
register and sync them on the provider."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

from portal.jobs.models import Job

from .channels import Channel


class SenderKind(models.TextChoices):
    NUMERIC = "numeric", "Number"
    ALPHANUMERIC = "alphanumeric", "Name (alphanumeric)"


class SenderUsecase(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional (account or order notifications)"
    PROMO = "promo", "Promotional (marketing)"
    AUTHENTICATION = "authentication", "Authentication (one-time passcodes)"


class MonthlyVolume(models.TextChoices):
    V1 = "1-1000", "Up to 1,000"
    V2 = "1001-20000", "1,001 to 20,000"
    V3 = "20001-50000", "20,001 to 50,000"
    V4 = "50001-100000", "50,001 to 100,000"
    V5 = "More than 100000", "More than 100,000"


class SenderId(models.Model):
    """What a tenant's messages show as their sender: one of its SMS-enabled numbers
    (numeric) or a name of 1-11 letters, digits and spaces (alphanumeric), registered on the
    channel's provider for the destination countries in `countries`."""

    Kind = SenderKind

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="sender_ids")
    kind = models.CharField(max_length=16, choices=SenderKind.choices)
    value = models.CharField(
        "sender ID", max_length=15, help_text="The number (E.164 digits) or the name."
    )
    number = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Numeric sender IDs: the number."
    )
    usecase = models.CharField(
        max_length=16, choices=SenderUsecase.choices, default=SenderUsecase.TRANSACTIONAL
    )
    monthly_volume = models.CharField(
        max_length=20, choices=MonthlyVolume.choices, default=MonthlyVolume.V1
    )
    samples = models.JSONField(default=list, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_ignored_fields = ("synced_at",)

    class Meta:
        ordering = ["value"]
        verbose_name = "sender ID"
        constraints = [
            models.UniqueConstraint(fields=["channel", "value"], name="senderid_unique_on_channel")
        ]

    def __str__(self) -> str:
        return f"+{self.value}" if self.kind == SenderKind.NUMERIC else self.value


class SenderCountry(models.Model):
    """Where a sender ID stands for one destination country."""

    class State(models.TextChoices):
        CHECKING = "checking", "Checking"
        PENDING = "pending", "Registration pending"
        ALLOWLISTED = "allowlisted", "Allow-listed"
        MANUAL = "manual", "Manual registration needed"
        REFUSED = "refused", "Refused"

    sender = models.ForeignKey(SenderId, on_delete=models.CASCADE, related_name="countries")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=2, help_text="ISO 3166 alpha-2.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.CHECKING)
    note = models.CharField(max_length=255, blank=True, help_text="What to do, in plain words.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["country"]
        verbose_name = "sender ID country"
        verbose_name_plural = "sender ID countries"
        constraints = [
            models.UniqueConstraint(fields=["sender", "country"], name="sendercountry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} {self.country}: {self.state}"


class SenderJob(Job):
    """Work on Wavix for sender IDs, on the one job runner: a sender ID's registration (the
    self-service check per country, then the registration), its removal from Wavix after it
    was deleted here, and a channel's periodic sync (allow-listing and opt-outs)."""

    class Kind(models.TextChoices):
        REGISTER = "register", "Registration"
        UNREGISTER = "unregister", "Removal from Wavix"
        SYNC = "sync", "Sync with Wavix"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sender_jobs")
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sender = models.ForeignKey(
        SenderId, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    sender_value = models.CharField(max_length=15, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    countries_total = models.PositiveSmallIntegerField(default=0)
    countries_done = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "sender ID job"
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(kind="sync", status__in=["queued", "running", "retrying"]),
                name="senderjob_one_sync_per_channel",
            ),
            models.UniqueConstraint(
                fields=["sender"],
                condition=models.Q(kind="register", status__in=["queued", "running", "retrying"]),
                name="senderjob_one_registration_per_sender",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.sender_value or self.channel}"

    @property
    def progress_done(self) -> int:
        return self.countries_done

    @property
    def progress_total(self) -> int:
        return self.countries_total
