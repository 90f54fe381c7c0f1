"""DID pools (which numbers a tenant may use) and the DID inventory (numbers held on Wavix).

A pool is stored as ranges, never one row per number: a million numbers cost one row. On
PostgreSQL two exclusion constraints make a number belong to one pool at most: ranges of
different tenants never overlap, nor do two ranges of one tenant. On SQLite the pool service
enforces the same rule inside its write transaction (SQLite serialises writers).
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Manager, Q, Value
from django_scopes import ScopedManager

from portal.jobs.models import Job, JobStatus

from .querysets import DidQuerySet, NumberRangeQuerySet


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL and nothing elsewhere (SQLite has no GiST); the
    pool service checks the same rule itself, with a message that names the conflict."""

    def _active(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._active(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._active(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._active(schema_editor) else None

    def validate(self, *args, **kwargs):
        """Checked by the service before writing, and by the database on commit."""


# A sync or a reconcile is never retrying (it is not retried: its runner says why), so the
# states that hold an account's one run are these two.
ONE_AT_A_TIME = [JobStatus.QUEUED, JobStatus.RUNNING]


def _int8range():
    return Func(F("start"), F("end"), Value("[]"), function="int8range")


class DidPool(models.Model):
    """The numbers one tenant may use, directly. (Pools on a shared SIP trunk add a `trunk`
    to this model; the ownership rule lives in NumberRange and does not change.)"""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(max_length=100, default="Direct")
    # Canonical form and count of the pool's ranges, written only by the pool service with the
    # ranges, so lists and the audit log show them without reading every range.
    spec = models.TextField(blank=True)
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_label = "Number pool"

    class Meta:
        ordering = ["tenant__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="didpool_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} · {self.name}"


class NumberRange(models.Model):
    """An inclusive range of numbers in a pool. `tenant` repeats the pool's tenant so the
    database can compare tenants in the exclusion constraint."""

    pool = models.ForeignKey(DidPool, on_delete=models.CASCADE, related_name="ranges")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    start = models.BigIntegerField()
    end = models.BigIntegerField()

    objects = ScopedManager(
        tenant="tenant", _manager_class=Manager.from_queryset(NumberRangeQuerySet)
    )

    class Meta:
        ordering = ["start"]
        indexes = [
            # "Who owns this number?": the range with the greatest start <= n.
            models.Index(fields=["start", "end"], name="numberrange_start_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="numberrange_end_gte_start"
            ),
            models.CheckConstraint(condition=Q(start__gt=0), name="numberrange_start_positive"),
            PostgresExclusionConstraint(
                name="numberrange_no_overlap_between_tenants",
                expressions=[
                    (_int8range(), RangeOperators.OVERLAPS),
                    ("tenant", RangeOperators.NOT_EQUAL),
                ],
            ),
            PostgresExclusionConstraint(
                name="numberrange_no_overlap_within_tenant",
                expressions=[
                    (_int8range(), RangeOperators.OVERLAPS),
                    ("tenant", RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    @property
    def free(self) -> int:
        """Numbers of the range not held on Wavix (with the `held` annotation of pool_usage)."""
        return self.size - getattr(self, "held", 0)


class Did(models.Model):
    """A number held on Wavix (the inventory, filled by the Wavix sync). Provider-level, not
    tenant-owned: a tenant sees the numbers of its pools, joined on `number`."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        RELEASED = "released", "Released"

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.PROTECT, related_name="dids", null=True
    )
    number = models.BigIntegerField(unique=True)
    wavix_id = models.CharField(max_length=64, blank=True, db_index=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2.")
    city = models.CharField(max_length=100, blank=True)
    number_type = models.CharField("type on Wavix", max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    required_docs = models.JSONField(default=list, blank=True)
    sms_enabled = models.BooleanField(default=False)
    sms_relay_url = models.CharField(
        "inbound SMS address",
        max_length=500,
        blank=True,
        help_text="Where Wavix posts the number's inbound messages (its sms_relay_url).",
    )
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    destination = models.JSONField(default=list, blank=True)
    e911_registered = models.BooleanField(default=False)
    label = models.CharField(
        "Wavix label",
        max_length=255,
        blank=True,
        help_text="The number's label on Wavix; a tenant's own label is a DidNote.",
    )
    paid_until = models.DateField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DidQuerySet.as_manager()

    audit_log = True
    audit_label = "Number"

    class Meta:
        ordering = ["number"]
        verbose_name = "DID"

    def __str__(self) -> str:
        return f"+{self.number}"


class DidNote(models.Model):
    """A tenant's label and description for one of its numbers (held on Wavix or not)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    number = models.BigIntegerField()
    label = models.CharField(
        "tenant's label",
        max_length=100,
        blank=True,
        help_text="The tenant's own label; the label on Wavix is the DID's.",
    )
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_label = "Number note"

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="didnote_unique_number"),
        ]

    def __str__(self) -> str:
        return f"+{self.number} {self.label}".strip()


class SyncRun(Job):
    """One inventory sync of a Wavix account: when, how far, what it changed, what failed."""

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.CASCADE, related_name="sync_runs"
    )
    trigger = models.CharField(
        max_length=32, default="manual", help_text="manual, schedule, purchase, api"
    )
    requested_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    requests_made = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            # One run at a time per account: a second "Sync now" joins the first.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=ONE_AT_A_TIME),
                name="syncrun_one_active_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"Sync of {self.account} at {self.queued_at:%Y-%m-%d %H:%M}"

    @property
    def progress_done(self) -> int:
        return self.pages_done

    @property
    def progress_total(self) -> int:
        return self.pages_total


class NumberOrder(Job):
    """A change of numbers on Wavix that a system administrator asked for: buy, return, or set
    the destination. Saved first, carried out by a task, its outcome shown in the portal."""

    class Kind(models.TextChoices):
        BUY = "buy", "Buy"
        RETURN = "return", "Return to Wavix"
        DESTINATION = "destination", "Set destination"
        SMS = "sms", "Enable SMS"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.PROTECT, related_name="orders"
    )
    numbers = models.JSONField(default=list, help_text="E.164 digits, as strings.")
    payload = models.JSONField(
        default=dict, blank=True, help_text="Destination settings; fees shown at checkout."
    )
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Bought numbers go into this tenant's pool.",
    )
    requested_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_log = True

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        count = len(self.numbers)
        return f"{self.get_kind_display()}: {count} number{'s' if count != 1 else ''}"

    @property
    def progress_done(self) -> int:
        # Enabling SMS goes in batches and counts them in its payload.
        return int(self.payload.get("done", 0)) if self.kind == self.Kind.SMS else 0

    @property
    def progress_total(self) -> int:
        return len(self.numbers) if self.kind == self.Kind.SMS else 0


class PoolImport(Job):
    """A pool CSV import: its dry run keeps the rows it checked, and Import applies exactly
    those, all-or-nothing, refused if any pool changed since the dry run. Owned by the system
    administrator who uploaded the file; a large file is checked and applied by a task, its
    progress shown (the job states of the portal)."""

    class Phase(models.TextChoices):
        CHECK = "check", "Dry run"
        APPLY = "apply", "Import"

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.CHECK)
    data = models.BinaryField(blank=True, help_text="The uploaded file, until it is checked.")
    total = models.PositiveIntegerField(default=0, help_text="Rows in the file.")
    done = models.PositiveIntegerField(default=0, help_text="Rows checked so far.")
    invalid = models.PositiveIntegerField(default=0, help_text="Rows with errors.")
    file_errors = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True, help_text="The rows as checked.")
    pools_version = models.CharField(
        max_length=100, blank=True, help_text="The state of all pools when the rows were checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Pool import {self.filename or self.key}"

    @property
    def progress_done(self) -> int:
        return self.done

    @property
    def progress_total(self) -> int:
        return self.total

    @property
    def checked_ok(self) -> bool:
        """The dry run finished and every row is valid: Import may apply it."""
        return (
            self.phase == self.Phase.CHECK
            and self.status == self.Status.SUCCEEDED
            and not self.invalid
            and not self.file_errors
        )

    @property
    def applied(self) -> bool:
        return self.phase == self.Phase.APPLY and self.status == self.Status.SUCCEEDED


# E911 ---------------------------------------------------------------------------------------


class E911Job(Job):
    """Setting or removing the emergency address of one or many numbers on Wavix: saved first,
    carried out by a task number by number, its progress and failures shown in the portal.
    When Wavix fails transiently the job waits ("retrying") and goes on later from the number
    it stopped at (the shared policy of Wavix tasks, `portal.wavix.retry`)."""

    class Kind(models.TextChoices):
        SET = "set", "Set emergency address"
        REMOVE = "remove", "Remove emergency address"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    numbers = models.JSONField(default=list, help_text="E.164 digits, as integers.")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # Attempts count per number: the number the job is on carries its count.
    attempt = models.PositiveSmallIntegerField(
        default=1,
        help_text="The attempt at the number the job is on (1-based); while retrying, the "
        "next one.",
    )
    requested_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "E911 job"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.total} number{'s' if self.total != 1 else ''}"

    @property
    def percent(self) -> int:
        # A job of no number has nothing left to do: full, unlike the base's empty bar.
        return int(100 * self.done / self.total) if self.total else 100


class E911Address(models.Model):
    """The emergency address of one of a tenant's US or Canadian numbers, as validated by Wavix,
    and where it stands on Wavix. While the row exists the number is in use: it cannot leave
    the pool nor be returned to Wavix."""

    class Status(models.TextChoices):
        PROVISIONING = "provisioning", "Provisioning"
        PROVISIONED = "provisioned", "Provisioned"
        FAILED = "failed", "Failed"
        REMOVING = "removing", "Removing"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    number = models.BigIntegerField(unique=True)
    name = models.CharField(max_length=100)
    street_number = models.CharField(max_length=20)
    street = models.CharField(max_length=100)
    location = models.CharField(
        max_length=100, blank=True, help_text="Suite, floor, room: where in the building."
    )
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, help_text="US state or Canadian province code.")
    zip_code = models.CharField(max_length=10)
    zip_plus_four = models.CharField(max_length=9, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROVISIONING)
    error = models.TextField(blank=True, help_text="What failed, in plain words (tenant users).")
    error_detail = models.TextField(
        blank=True, help_text="The technical detail (system administrators and the logs)."
    )
    job = models.ForeignKey(
        E911Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="addresses"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    provisioned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        ordering = ["number"]
        verbose_name = "E911 address"
        verbose_name_plural = "E911 addresses"

    def __str__(self) -> str:
        return f"+{self.number}: {self.one_line}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from . import e911

        errors = e911.address_errors(self.wavix_address() | {"name": self.name})
        refusal = e911.number_refusal(self.number)
        if refusal:
            errors["number"] = refusal
        if errors:
            raise ValidationError(errors)

    def wavix_address(self) -> dict:
        """The `address` object of Wavix's E911 API."""
        return {
            "street_number": self.street_number,
            "street": self.street,
            "location": self.location,
            "city": self.city,
            "state": self.state,
            "zip_code": self.zip_code,
            "zip_plus_four": self.zip_plus_four,
        }

    @property
    def one_line(self) -> str:
        from .e911 import one_line

        return one_line(self.wavix_address())

    @property
    def is_provisioned(self) -> bool:
        return self.status == self.Status.PROVISIONED


class E911ReconcileRun(Job):
    """One comparison of an account's E911 records on Wavix with the portal's addresses."""

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.CASCADE, related_name="e911_runs"
    )
    trigger = models.CharField(max_length=32, default="manual", help_text="manual, schedule, api")
    requested_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    records = models.PositiveIntegerField(default=0, help_text="E911 records on Wavix.")
    drift = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = "E911 reconcile run"
        constraints = [
            # One run at a time per account: a second "Reconcile now" joins the first.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=ONE_AT_A_TIME),
                name="e911reconcilerun_one_active_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"E911 reconcile of {self.account} at {self.queued_at:%Y-%m-%d %H:%M}"


class E911Drift(models.Model):
    """A difference found by the last reconcile of an account: replaced on every run. The
    tenant is the one whose address or pool the number belongs to (none for a number in no
    pool)."""

    class Kind(models.TextChoices):
        MISSING = "missing_on_wavix", "Missing on Wavix"
        DIFFERENT = "different_address", "Different address on Wavix"
        UNKNOWN = "unknown_to_portal", "Unknown to the portal"

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.CASCADE, related_name="e911_drift"
    )
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.BigIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    portal_address = models.JSONField(default=dict, blank=True)
    wavix_address = models.JSONField(default=dict, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["number"]
        verbose_name = "E911 drift"
        verbose_name_plural = "E911 drift"

    def __str__(self) -> str:
        return f"+{self.number}: {self.get_kind_display()}"

    @property
    def portal_line(self) -> str:
        from .e911 import one_line

        return one_line(self.portal_address) if self.portal_address else ""

    @property
    def wavix_line(self) -> str:
        from .e911 import one_line

        return one_line(self.wavix_address) if self.wavix_address else ""


# The number validator ---------------------------------------------------------------------


class ValidationPrice(models.Model):
    """What one lookup of a type costs, set by system administrators: the validator's form
    shows "N numbers × price = total" before anything is sent. Wavix's own charge is recorded
    on each result."""

    class Type(models.TextChoices):
        FORMAT = "format", "Format"
        ANALYSIS = "analysis", "Analysis"
        VALIDATION = "validation", "Validation"

    type = models.CharField(max_length=16, choices=Type.choices, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=4)
    updated_at = models.DateTimeField(auto_now=True)

    audit_log = True

    class Meta:
        ordering = ["type"]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.price}"


class ValidatorSettings(models.Model):
    """A tenant's use of the validator when sending: with `check_recipients` on, a message to
    a number whose latest result within `recent_days` is invalid or unallocated is refused."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="validator_settings"
    )
    check_recipients = models.BooleanField(
        "check recipients when sending",
        default=False,
        help_text="Refuse a message to a number the validator recently found invalid or "
        "unallocated.",
    )
    recent_days = models.PositiveSmallIntegerField(
        "recent means the last (days)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_label = "Validator settings"

    class Meta:
        verbose_name_plural = "validator settings"

    def __str__(self) -> str:
        return f"Validator settings of {self.tenant_id}"


class ValidationJob(Job):
    """Validating one number or a list with Wavix's number validator: up to 1,000 numbers in
    one synchronous request, more asynchronously (Wavix's `request_uuid`, polled by the task
    until nothing is pending). Each number's result is a ValidationResult."""

    Type = ValidationPrice.Type

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    type = models.CharField(max_length=16, choices=Type.choices)
    single = models.BooleanField(default=False, help_text="One number typed in the form.")
    numbers = models.JSONField(default=list, help_text="E.164 digits, as integers.")
    total = models.PositiveIntegerField(default=0)
    run_async = models.BooleanField("asynchronous", default=False)
    request_uuid = models.CharField(max_length=64, blank=True)
    polls = models.PositiveIntegerField(default=0)
    validated = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    price = models.DecimalField(
        max_digits=8, decimal_places=4, help_text="The price per lookup shown when started."
    )
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    total_cost = models.DecimalField(
        max_digits=12, decimal_places=4, default=0, help_text="What Wavix charged."
    )
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "validation job"

    def __str__(self) -> str:
        if self.single and self.numbers:
            return f"{self.get_type_display()} of +{self.numbers[0]}"
        return f"{self.get_type_display()} of {self.total} number{'s' if self.total != 1 else ''}"

    @property
    def progress_done(self) -> int:
        return self.validated

    @property
    def progress_total(self) -> int:
        return self.total

    @property
    def polling(self) -> bool:
        """Waiting for Wavix's asynchronous request between two polls (not a failure)."""
        return self.status == JobStatus.RETRYING and bool(self.request_uuid) and not self.error


class ValidationResult(models.Model):
    """What Wavix's number validator said about one number in one job. Which fields are
    filled depends on the job's type (`dids.validation.FIELDS`)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ValidationJob, on_delete=models.CASCADE, related_name="results")
    number = models.BigIntegerField(help_text="E.164 digits.")
    valid = models.BooleanField()
    number_type = models.CharField("type", max_length=20, blank=True)
    carrier = models.CharField(max_length=120, blank=True)
    ported = models.BooleanField(null=True)
    reachable = models.BooleanField(null=True)
    roaming = models.BooleanField(null=True)
    risky = models.BooleanField("risky destination", null=True)
    unallocated = models.BooleanField("unallocated range", null=True)
    timezone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, blank=True)
    national_format = models.CharField(max_length=40, blank=True)
    e164_format = models.CharField(max_length=20, blank=True)
    mcc = models.CharField("MCC", max_length=3, blank=True)
    mnc = models.CharField("MNC", max_length=3, blank=True)
    cost = models.DecimalField(max_digits=8, decimal_places=4, default=0)
    error_code = models.CharField(max_length=3, blank=True, default="000")
    validated_at = models.DateTimeField()

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            # A number's result is saved once per job, however often a poll returns it.
            models.UniqueConstraint(fields=["job", "number"], name="validationresult_once_per_job")
        ]
        indexes = [
            # The latest result for (tenant, number): the send-time check.
            models.Index(fields=["tenant", "number", "-validated_at"], name="validation_latest"),
        ]

    def __str__(self) -> str:
        return f"+{self.number}: {'valid' if self.valid else 'invalid'}"

    @property
    def mcc_mnc(self) -> str:
        return f"{self.mcc} {self.mnc}".strip()


class DocumentUpload(Job):
    """One file a tenant (or a system administrator for it) sends Wavix for some of its
    numbers (`POST /v1/numbers/papers`), and the job that sends it. The file is kept here
    encrypted (a Fernet token of its bytes) only until Wavix has it; then `data` is emptied.
    Wavix answers one document per number, so each number's state is a NumberDocument."""

    DocType = models.IntegerChoices(
        "DocType",
        [
            ("IDENTITY", (1, "Proof of identity")),
            ("ADDRESS", (2, "Proof of address")),
            ("BUSINESS", (3, "Proof of business registration")),
        ],
    )

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    doc_type = models.PositiveSmallIntegerField("document type", choices=DocType.choices)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(
        max_length=64, help_text="Read from the file's first bytes, not from its name."
    )
    size = models.PositiveIntegerField(help_text="Bytes.")
    data = models.BinaryField(
        blank=True, editable=False, help_text="The file, encrypted, until Wavix has it."
    )
    wiped_at = models.DateTimeField(null=True, blank=True, help_text="When the bytes were wiped.")
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_label = "Document upload"
    audit_ignored_fields = ("data",)  # the file itself is never copied into the log

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "document upload"

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.file_name}"

    @property
    def progress_total(self) -> int:
        return 1

    @property
    def progress_done(self) -> int:
        return 1 if self.status == JobStatus.SUCCEEDED else 0


class NumberDocument(models.Model):
    """One document of one number, as Wavix keeps it (its NumberDocument): one row per
    number, because Wavix answers an upload with a document id, a review status and
    `allow_replace` of each number, and reviews them one by one; the file they share is
    their DocumentUpload."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", "Uploading"
        FAILED = "failed", "Upload failed"
        PENDING = "pending", "Under review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey(DocumentUpload, on_delete=models.CASCADE, related_name="documents")
    did = models.ForeignKey(Did, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.PositiveSmallIntegerField(
        "document type", choices=DocumentUpload.DocType.choices
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADING)
    reason = models.CharField(
        max_length=500, blank=True, help_text="Why it failed or was rejected."
    )
    wavix_id = models.CharField("Wavix document id", max_length=32, blank=True, db_index=True)
    allow_replace = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_label = "Number document"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "number document"
        indexes = [models.Index(fields=["did", "doc_type"], name="numberdoc_did_type")]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} of {self.did}"

    @property
    def number(self) -> int:
        """The number's E.164 digits (its page's address names it so)."""
        return self.did.number
