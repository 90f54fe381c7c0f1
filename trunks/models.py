"""SIP trunks on Wavix, their sharing with tenants, and call records (CDRs).

A trunk is provider-level (a system administrator's object, like the DID inventory); a tenant
sees it through a `TrunkAssignment`, which carries the tenant's DID pool on that trunk. CDRs
are filed under the tenant whose pool held the call's own number when the call was pulled.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager

from portal.crypto import EncryptedTextField, is_unreadable
from portal.jobs.models import Job

# A trunk's settings as an administrator writes them (the form, the API, the admin) and as
# every push sends them whole to Wavix; the reconcile compares them (`payloads.CONFIG_FIELDS`).
SETTINGS = (
    "label",
    "auth_method",
    "allowed_ips",
    "callerid",
    "passthrough",
    "didinfo_enabled",
    "call_limit",
    "max_call_cost",
    "max_channels",
    "rewrite_enabled",
    "rewrite_prefix",
    "rewrite_cond",
    "call_recording_enabled",
    "transcription_enabled",
    "transcription_threshold",
    "machine_detection_enabled",
    "encrypted_media",
)


class SipTrunk(Job):
    """A Wavix SIP trunk as the portal wants it. Every change is saved here first (sync state
    pending) and pushed whole to Wavix by a task; what Wavix answered is kept beside it."""

    class AuthMethod(models.TextChoices):
        DIGEST = "digest", "Digest (username and password)"
        IP = "ip", "IP address"

    class SyncState(models.TextChoices):
        PENDING = "pending", "Pending"
        IN_SYNC = "in_sync", "In sync"
        FAILED = "failed", "Failed"

    class Drift(models.TextChoices):
        NONE = "", "None"
        CHANGED = "changed", "Changed on Wavix"
        MISSING = "missing", "Missing on Wavix"

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.PROTECT, related_name="trunks"
    )
    label = models.CharField(max_length=100)
    auth_method = models.CharField(
        max_length=8, choices=AuthMethod.choices, default=AuthMethod.DIGEST
    )
    # Empty for an IP trunk created without one (Wavix's required password is then a
    # throwaway sent with each push) and for a trunk imported from Wavix.
    password = EncryptedTextField(blank=True)
    allowed_ips = models.JSONField(
        default=list, blank=True, help_text="Addresses and networks, e.g. 203.0.113.10."
    )
    callerid = models.BigIntegerField(null=True, blank=True, help_text="E.164 digits.")
    passthrough = models.BooleanField(
        default=False, help_text="Caller-ID passthrough: several caller IDs (Wavix approves)."
    )
    didinfo_enabled = models.BooleanField(default=True)
    call_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Maximum call duration in seconds; empty: no limit."
    )
    max_call_cost = models.DecimalField(
        max_digits=8, decimal_places=4, null=True, blank=True, help_text="USD; empty: no limit."
    )
    max_channels = models.PositiveIntegerField(
        null=True, blank=True, help_text="Concurrent outbound calls; empty: no limit."
    )
    rewrite_enabled = models.BooleanField(default=False)
    rewrite_prefix = models.CharField(max_length=16, blank=True)
    rewrite_cond = models.CharField(max_length=2, blank=True)
    call_recording_enabled = models.BooleanField(default=False)
    transcription_enabled = models.BooleanField(default=False)
    transcription_threshold = models.PositiveIntegerField(default=6)
    machine_detection_enabled = models.BooleanField(default=False)
    encrypted_media = models.BooleanField(default=False, help_text="TLS signalling and SRTP.")

    # What Wavix assigned and answered.
    wavix_id = models.PositiveIntegerField(null=True, blank=True)
    sip_username = models.CharField(max_length=32, blank=True)
    wavix_status = models.CharField(max_length=16, blank=True)
    ip_approval = models.CharField(max_length=16, blank=True)
    passthrough_approved = models.BooleanField(default=False)

    # Sync bookkeeping: `revision` grows with every local change, so a push that finishes
    # after a newer edit does not mark the trunk in sync.
    revision = models.PositiveIntegerField(default=1)
    sync_state = models.CharField(
        max_length=8, choices=SyncState.choices, default=SyncState.PENDING
    )
    sync_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    delete_requested = models.BooleanField(default=False)
    # The trunk is also the job row of its push (create, full replacement or delete) on the
    # job runner (`services.sync.TrunkPushRunner`, fields from `portal.jobs.Job`): each change
    # queues it again, and the runner's claim of this row, with its lease (`claimed_until`),
    # keeps two pushes of a trunk from ever running at once (a second create would make a
    # second trunk); a lease that passed is a lost worker's. `sync_state` stays the summary.
    # A create sent to Wavix whose outcome the portal does not know (no answer, a 5xx, a worker
    # that died mid-call): {"label": sent, "sent_at": when, "existing": ids of the trunks with
    # that label Wavix already had}. Written before the create is sent, cleared once Wavix's
    # answer is recorded or it certainly refused; while set, a push looks for the trunk on
    # Wavix and adopts it before it would create another.
    create_in_doubt = models.JSONField(default=dict, blank=True)
    drift = models.CharField(max_length=8, choices=Drift.choices, blank=True, default="")
    drift_fields = models.JSONField(default=dict, blank=True)
    wavix_snapshot = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_log = True
    audit_masked_fields = ("password",)
    audit_ignored_fields = (
        "revision",
        "sync_error",
        "synced_at",
        "drift_fields",
        "wavix_snapshot",
        "checked_at",
        "create_in_doubt",
        # The push's job state (portal.jobs): bookkeeping of the runner, not the trunk's.
        "status",
        "attempt",
        "retry_at",
        "claimed_until",
        "started_at",
        "finished_at",
        "error",
        "error_detail",
        "note",
    )

    class Meta:
        ordering = ["label", "id"]
        verbose_name = "SIP trunk"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "wavix_id"],
                condition=Q(wavix_id__isnull=False),
                name="siptrunk_unique_wavix_id",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_ip_auth(self) -> bool:
        return self.auth_method == self.AuthMethod.IP

    @property
    def password_known(self) -> bool:
        """Whether the portal holds the trunk's password. Wavix never returns it, so a trunk
        imported from Wavix has none until an administrator sets a new one (the next push
        sends it to Wavix, and the PBX must then use it)."""
        return bool(self.password)

    @property
    def password_unreadable(self) -> bool:
        """The stored password cannot be decrypted (the portal's encryption keys changed)."""
        return is_unreadable(self.password)

    @property
    def needs_new_password(self) -> bool:
        """A digest trunk whose password the portal does not know: nothing can be pushed (a
        push replaces the whole trunk, password included) until a new one is set. An IP
        trunk never uses its password and needs none."""
        return not self.password_known and not self.is_ip_auth

    @property
    def approvals_waiting(self) -> list[str]:
        """What waits for Wavix's manual review, in words."""
        waiting = []
        if self.is_ip_auth and self.ip_approval != "approved":
            waiting.append(f"IP authentication {self.ip_approval or 'not yet requested'}")
        if self.passthrough and not self.passthrough_approved and self.wavix_id:
            waiting.append(
                "caller-ID passthrough "
                + ("rejected" if self.wavix_status == "rejected" else "pending")
            )
        return waiting


class ForeignTrunk(models.Model):
    """A trunk that Wavix has and the portal does not know (found by the reconcile), offered
    for import."""

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.CASCADE, related_name="foreign_trunks"
    )
    wavix_id = models.PositiveIntegerField()
    label = models.CharField(max_length=100, blank=True)
    sip_username = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "wavix_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "wavix_id"], name="foreigntrunk_unique_wavix_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or 'Trunk'} ({self.sip_username or self.wavix_id})"


class TrunkReconcile(Job):
    """The reconcile of an account's trunks against Wavix, a job on the runner
    (`services.sync.TrunkReconcileRunner`): one row per account, queued again by each run;
    `checked_at`, `ok` and `message` keep the last outcome."""

    account = models.OneToOneField(
        "portal.WavixAccount", on_delete=models.CASCADE, related_name="trunk_reconcile"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    message = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Reconcile of {self.account}"


class TrunkAssignment(models.Model):
    """A trunk shared with a tenant: the tenant's DID pool on the trunk, its limit of
    concurrent calls, and the caller IDs it chose among its own numbers."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    trunk = models.ForeignKey(SipTrunk, on_delete=models.PROTECT, related_name="assignments")
    # Deleting the pool (from the pools page) ends the share; the pool service refuses it
    # while a number of the pool is in use.
    pool = models.OneToOneField(
        "dids.DidPool", on_delete=models.CASCADE, related_name="trunk_assignment"
    )
    max_calls = models.PositiveIntegerField(help_text="Concurrent calls this tenant may make.")
    caller_ids = models.JSONField(default=list, blank=True, help_text="E.164 digits.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        ordering = ["trunk__label", "tenant__name"]
        verbose_name = "trunk share"
        constraints = [
            models.UniqueConstraint(fields=["trunk", "tenant"], name="trunkassignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trunk} · {self.tenant}"


class TranscriptionState(models.TextChoices):
    NONE = "none", "Not transcribed"
    REQUESTED = "requested", "Requested"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Transcribed"
    FAILED = "failed", "Failed"


class Cdr(models.Model):
    """One call as Wavix recorded it. `tenant` is the owner of the call's own number (the
    caller of a placed call, the callee of a received one); empty when no tenant holds it."""

    class Direction(models.TextChoices):
        PLACED = "placed", "Placed (outbound)"
        RECEIVED = "received", "Received (inbound)"

    # Wavix's dispositions in words (its spec lists these); another is shown as it came.
    DISPOSITIONS = {
        "answered": "Answered",
        "noanswer": "No answer",
        "busy": "Busy",
        "rejected": "Rejected",
        "failed": "Failed",
    }

    account = models.ForeignKey("portal.WavixAccount", on_delete=models.CASCADE, related_name="+")
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trunk = models.ForeignKey(
        SipTrunk, on_delete=models.SET_NULL, null=True, blank=True, related_name="cdrs"
    )
    call_id = models.CharField(max_length=64)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    started_at = models.DateTimeField()
    from_number = models.CharField(max_length=32)
    to_number = models.CharField(max_length=32)
    disposition = models.CharField(max_length=16)
    duration = models.PositiveIntegerField(default=0, help_text="Seconds.")
    charge = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    per_minute = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    destination = models.CharField(max_length=255, blank=True)
    sip_trunk = models.CharField(max_length=32, blank=True, help_text="Wavix's trunk login.")
    # Filled by the pull (Wavix's recordings list, its transcript search) and by the
    # transcription flow (services/speech.py).
    recorded = models.BooleanField(default=False)
    transcription = models.CharField(
        max_length=12, choices=TranscriptionState.choices, default=TranscriptionState.NONE
    )

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "call record"
        constraints = [
            models.UniqueConstraint(fields=["account", "call_id"], name="cdr_unique_call"),
        ]
        indexes = [
            models.Index(fields=["tenant", "-started_at"], name="cdr_tenant_started"),
            models.Index(fields=["-started_at"], name="cdr_started"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.from_number} → {self.to_number}"

    @property
    def own_number(self) -> str:
        return self.from_number if self.direction == self.Direction.PLACED else self.to_number

    @property
    def disposition_display(self) -> str:
        known = self.DISPOSITIONS.get(self.disposition.lower())
        return known or self.disposition.replace("_", " ").capitalize() or "—"

    @property
    def trunk_display(self) -> str:
        """The portal's trunk by its label; a trunk the portal does not know, said so."""
        if self.trunk_id:
            return self.trunk.label
        if self.sip_trunk:
            return f"Unknown trunk (SIP user {self.sip_trunk})"
        return "—"


class CdrPull(Job):
    """The pull of an account's CDRs in one direction, a job on the runner
    (`services.cdrs.CdrPullRunner`): how far it has pulled (`pulled_through`, the watermark),
    and the last run's outcome."""

    account = models.ForeignKey("portal.WavixAccount", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=8, choices=Cdr.Direction.choices)
    pulled_through = models.DateField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_added = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "direction"], name="cdrpull_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.direction} through {self.pulled_through}"


class Transcript(models.Model):
    """A call's transcript as Wavix made it: turns of {speaker: agent|client, start_ms,
    end_ms, text}, the agent being the tenant's own side of the call."""

    class Speaker(models.TextChoices):
        AGENT = "agent", "Agent"
        CLIENT = "client", "Client"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    call = models.OneToOneField(Cdr, on_delete=models.CASCADE, related_name="transcript")
    language = models.CharField(max_length=8, blank=True)
    turns = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    charge = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    transcribed_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-fetched_at"]

    def __str__(self) -> str:
        return f"Transcript of {self.call_id}"


class TranscriptionJob(Job):
    """A request to transcribe a call (again), a job on the runner
    (`services.speech.TranscriptionRunner`): asks Wavix with the portal's webhook address
    (its unguessable `token`), then fetches the transcript when the webhook says so, or polls
    for it on a countdown if no webhook comes."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(Cdr, on_delete=models.CASCADE, related_name="transcription_jobs")
    language = models.CharField(max_length=2, blank=True)
    token = models.CharField(max_length=64, unique=True)
    requested_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested = models.BooleanField(default=False, help_text="Wavix accepted the request.")
    webhook_status = models.CharField(max_length=16, blank=True)
    polls = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(status__in=["queued", "running", "retrying"]),
                name="transcriptionjob_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"Transcription of {self.call_id} ({self.status})"


class SpeechSearch(Job):
    """A search of the tenant's call transcripts, a job on the runner
    (`services.speech_search.SpeechSearchRunner`): Wavix's search is account-wide and paged,
    so the job walks its pages and keeps the tenant's calls only."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date_from = models.DateField()
    date_to = models.DateField()
    direction = models.CharField(max_length=8, choices=Cdr.Direction.choices)
    # {agent|client|any: {must|match|exclude: [phrase, ...]}}
    criteria = models.JSONField(default=dict)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    hit_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "speech searches"

    def __str__(self) -> str:
        return f"Speech search {self.pk} ({self.date_from} to {self.date_to})"

    @property
    def progress_done(self) -> int:
        return self.pages_done

    @property
    def progress_total(self) -> int:
        return self.pages_total

    @property
    def phrases(self) -> list[str]:
        """Every phrase the calls must or may contain (what the results highlight)."""
        found = []
        for lists in self.criteria.values():
            for kind in ("must", "match"):
                found.extend(p for p in lists.get(kind, []) if p not in found)
        return found


class SpeechHit(models.Model):
    """A call of the tenant that a speech search found."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    search = models.ForeignKey(SpeechSearch, on_delete=models.CASCADE, related_name="hits")
    call = models.ForeignKey(Cdr, on_delete=models.CASCADE, related_name="+")
    phrases = models.JSONField(default=list, blank=True, help_text="The phrases it contains.")

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-call__started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["search", "call"], name="speechhit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.search_id}: {self.call_id}"


# --- voice campaigns ----------------------------------------------------------------------------


class CallFlow(models.Model):
    """A call flow built on Wavix's site (its Campaign builder), entered here by its id: the
    API has no list of flows. A system administrator says which tenants may run it."""

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.PROTECT, related_name="call_flows"
    )
    wavix_id = models.PositiveIntegerField(
        "flow id on Wavix", help_text="The number at the end of the flow's address on Wavix."
    )
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)
    tenants = models.ManyToManyField(
        "tenants.Tenant", blank=True, related_name="+", verbose_name="allowed tenants"
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_log = True

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = "call flow"
        constraints = [
            models.UniqueConstraint(fields=["account", "wavix_id"], name="callflow_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (#{self.wavix_id})"


class VoiceCampaign(Job):
    """A tenant's run of a call flow to a list of contacts, at a rate (calls per minute). A
    job on the runner (`services.campaigns.CampaignRunner`): each run is one tick that places
    the calls the rate allows and polls the calls in progress, then queues the next tick."""

    MIN_RATE, MAX_RATE = 1, 60
    COUNTERS = ("total", "queued", "calling", "completed", "failed", "skipped")

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(CallFlow, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=100)
    caller_id = models.BigIntegerField(help_text="E.164 digits: one of the tenant's numbers.")
    rate = models.PositiveSmallIntegerField(
        "calls per minute",
        validators=[MinValueValidator(MIN_RATE), MaxValueValidator(MAX_RATE)],
    )
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paused = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    tick = models.PositiveIntegerField(
        default=0, help_text="The dispatch chain's sequence: a tick sent for an older one ends."
    )
    total = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    calling = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_ignored_fields = (
        "status",
        "attempt",
        "retry_at",
        "claimed_until",
        "started_at",
        "finished_at",
        "error",
        "error_detail",
        "note",
        "tick",
        *COUNTERS,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "voice campaign"

    def __str__(self) -> str:
        return self.name

    @property
    def progress_done(self) -> int:
        return self.completed + self.failed + self.skipped

    @property
    def progress_total(self) -> int:
        return self.total

    @property
    def state(self) -> str:
        """The campaign's state as a tenant user reads it."""
        if self.cancelled_at:
            return "Cancelled" if self.is_finished else "Cancelling"
        if self.status == "succeeded":
            return "Completed"
        if self.status == "failed":
            return "Failed"
        if self.paused:
            return "Paused"
        return "In progress" if self.started_at else "Queued"

    @property
    def can_pause(self) -> bool:
        return not self.is_finished and not self.paused and not self.cancelled_at

    @property
    def can_resume(self) -> bool:
        return not self.is_finished and self.paused and not self.cancelled_at

    @property
    def can_cancel(self) -> bool:
        return not self.is_finished and not self.cancelled_at


class CampaignContact(models.Model):
    """One number of a campaign and what became of its call."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SKIPPED = "skipped", "Skipped"
        CALLING = "calling", "In progress"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    campaign = models.ForeignKey(VoiceCampaign, on_delete=models.CASCADE, related_name="contacts")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(
        max_length=40, help_text="E.164 digits (an invalid number: the text as given)."
    )
    name = models.CharField(max_length=100, blank=True)
    line = models.PositiveIntegerField(default=0, help_text="Its line in the uploaded list.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=300, blank=True, help_text="Why skipped or failed.")
    wavix_id = models.BigIntegerField(null=True, blank=True)
    wavix_status = models.CharField(max_length=32, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    cdr = models.ForeignKey(Cdr, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["pk"]
        verbose_name = "campaign contact"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaigncontact_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="campaigncontact_due")]

    def __str__(self) -> str:
        return f"+{self.number}" if self.number.isdigit() else self.number
