"""Sandbox state: a stand-in for what Wavix keeps about its customers' accounts.

An account is an API key. Wavix's catalogue (countries, regions, cities, numbers for sale) is
shared by every account, as on the real platform; everything else belongs to one account.
Money is stored as Decimal and rendered as the strings the spec uses ("0.99").
"""

import uuid

from django.db import models


class SandboxAccount(models.Model):
    api_key = models.CharField(max_length=128, unique=True)
    is_active = models.BooleanField(default=True, help_text="A disabled key answers 401.")
    email = models.EmailField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    additional_info = models.CharField(max_length=500, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    job_title = models.CharField(max_length=100, blank=True)
    default_short_link_endpoint = models.CharField(max_length=500, blank=True)
    default_destinations = models.JSONField(default=list, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    company_industry = models.CharField(max_length=64, blank=True)
    company_address = models.CharField(max_length=500, blank=True)
    company_attn_contact_name = models.CharField(max_length=200, blank=True)
    company_vat_number = models.CharField(max_length=64, blank=True)
    company_country_code = models.CharField(max_length=2, blank=True)
    # Account-wide webhook defaults; a message's callback_url and a number's sms_relay_url win.
    sms_relay_url = models.URLField(max_length=500, blank=True)
    dlr_relay_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sandbox account"

    def __str__(self) -> str:
        return self.email


class SandboxFaults(models.Model):
    """Fault injection for one account. Rates are probabilities per request; with a seed the
    draws are a fixed sequence (seed, request counter), so a run can be repeated exactly."""

    account = models.OneToOneField(SandboxAccount, on_delete=models.CASCADE, related_name="faults")
    error_rate = models.FloatField(default=0.0)
    error_status = models.PositiveSmallIntegerField(default=503)
    rate_limit_rate = models.FloatField(default=0.0)
    retry_after = models.PositiveIntegerField(default=1)
    latency_ms = models.PositiveIntegerField(default=0)
    timeout_rate = models.FloatField(default=0.0)
    timeout_seconds = models.FloatField(default=30.0)
    seed = models.BigIntegerField(null=True, blank=True)
    sequence = models.PositiveBigIntegerField(default=0)
    path_prefix = models.CharField(
        max_length=200, blank=True, help_text="Only API paths starting with this (e.g. /v3/)."
    )
    methods = models.CharField(
        max_length=40, blank=True, help_text="Only these methods, comma-separated (e.g. POST)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "sandbox faults"

    def __str__(self) -> str:
        return f"faults of {self.account}"

    @property
    def active(self) -> bool:
        return bool(self.error_rate or self.rate_limit_rate or self.latency_ms or self.timeout_rate)


# --- The catalogue (shared) ---------------------------------------------------------------


class SandboxCountry(models.Model):
    id = models.IntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=2, unique=True)
    has_provinces_or_states = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "sandbox countries"

    def __str__(self) -> str:
        return self.name


class SandboxRegion(models.Model):
    country = models.ForeignKey(SandboxCountry, on_delete=models.CASCADE, related_name="regions")
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=3)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="sandbox_region_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SandboxCity(models.Model):
    country = models.ForeignKey(SandboxCountry, on_delete=models.CASCADE, related_name="cities")
    region = models.ForeignKey(
        SandboxRegion, null=True, blank=True, on_delete=models.CASCADE, related_name="cities"
    )
    name = models.CharField(max_length=100)
    area_code = models.BigIntegerField(help_text="NPA-NXX for the US and Canada.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "sandbox cities"
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="sandbox_city_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SandboxStockNumber(models.Model):
    """A number for sale. Its id is the number itself, as in Wavix's answers."""

    id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=20, unique=True)
    city = models.ForeignKey(SandboxCity, on_delete=models.CASCADE, related_name="stock")
    activation_fee = models.DecimalField(max_digits=8, decimal_places=4)
    monthly_fee = models.DecimalField(max_digits=8, decimal_places=4)
    per_min = models.DecimalField(max_digits=8, decimal_places=4)
    channels = models.PositiveIntegerField(default=4)
    sms_enabled = models.BooleanField(default=False)
    sms_price = models.DecimalField(max_digits=8, decimal_places=4, default=0)
    require_docs = models.JSONField(default=list, blank=True)
    cnam = models.BooleanField(default=False)
    free_min = models.PositiveIntegerField(default=0)
    domestic_cli = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class SandboxCartItem(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="cart")
    stock_number = models.ForeignKey(SandboxStockNumber, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "stock_number"], name="sandbox_cart_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stock_number} in the cart of {self.account}"


# --- An account's numbers, trunks and E911 ------------------------------------------------


class SandboxNumber(models.Model):
    """A purchased number. Unique per account only: `sandbox_seed` gives every account it seeds
    the same deterministic numbers, which real Wavix would never do but a sandbox may."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(max_length=20)
    city = models.ForeignKey(SandboxCity, on_delete=models.PROTECT, related_name="+")
    activation_fee = models.DecimalField(max_digits=8, decimal_places=4)
    monthly_fee = models.DecimalField(max_digits=8, decimal_places=4)
    per_min = models.DecimalField(max_digits=8, decimal_places=4)
    sms_price = models.DecimalField(max_digits=8, decimal_places=4, default=0)
    channels = models.PositiveIntegerField(default=4)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    require_docs = models.JSONField(default=list, blank=True)
    sms_enabled = models.BooleanField(default=False)
    sms_relay_url = models.URLField(max_length=500, null=True, blank=True)
    call_status_url = models.URLField(max_length=500, null=True, blank=True)
    label = models.CharField(max_length=100, null=True, blank=True)
    cnam = models.BooleanField(default=False)
    domestic_cli = models.BooleanField(default=True)
    free_min = models.PositiveIntegerField(default=0)
    call_recording_enabled = models.BooleanField(default=False)
    transcription_enabled = models.BooleanField(default=False)
    transcription_threshold = models.PositiveIntegerField(default=6)
    seconds = models.PositiveIntegerField(default=0, help_text="Inbound seconds this month.")
    added = models.DateTimeField()
    paid_until = models.DateField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="sandbox_number_unique")
        ]
        indexes = [models.Index(fields=["account", "id"], name="sandbox_number_page")]

    def __str__(self) -> str:
        return self.number


class SandboxTrunk(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        PENDING = "pending"
        REJECTED = "rejected"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="trunks")
    name = models.CharField(max_length=16, unique=True, help_text="System-generated SIP login.")
    label = models.CharField(max_length=100)
    password = models.CharField(max_length=128)
    callerid = models.CharField(max_length=20, null=True, blank=True)
    multiple_numbers = models.BooleanField(default=False)
    passthrough = models.BooleanField(default=False)
    # IP authentication: the requested address and its review ("pending", "approved",
    # "rejected"); `host` becomes the address only once Wavix approves it.
    host = models.CharField(max_length=64, default="dynamic")
    host_request = models.CharField(max_length=64, blank=True)
    host_request_status = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    ip_restrict = models.BooleanField(default=False)
    allowed_ips = models.JSONField(default=list, blank=True)
    didinfo_enabled = models.BooleanField(default=True)
    call_restrict = models.BooleanField(default=False)
    call_limit = models.PositiveIntegerField(null=True, blank=True)
    cost_limit = models.BooleanField(default=False)
    max_call_cost = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    channels_restrict = models.BooleanField(default=False)
    max_channels = models.PositiveIntegerField(null=True, blank=True)
    rewrite_enabled = models.BooleanField(default=False)
    rewrite_prefix = models.CharField(max_length=16, blank=True)
    rewrite_cond = models.CharField(max_length=16, blank=True)
    call_recording_enabled = models.BooleanField(default=False)
    transcription_enabled = models.BooleanField(default=False)
    transcription_threshold = models.PositiveIntegerField(default=6)
    machine_detection_enabled = models.BooleanField(default=False)
    encrypted_media = models.BooleanField(default=False)
    access_token = models.CharField(max_length=80)
    talk_time = models.PositiveIntegerField(default=0)
    charge = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.name})"


class SandboxDestination(models.Model):
    class Transport(models.IntegerChoices):
        SIP_URI = 1
        PSTN = 4
        TRUNK = 5

    number = models.ForeignKey(SandboxNumber, on_delete=models.CASCADE, related_name="destinations")
    destination = models.CharField(max_length=255)
    priority = models.PositiveIntegerField(default=1)
    transport = models.PositiveSmallIntegerField(choices=Transport.choices)
    trunk = models.ForeignKey(SandboxTrunk, null=True, blank=True, on_delete=models.CASCADE)
    srtp = models.BooleanField(default=False)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.destination


class SandboxE911Record(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="e911")
    phone_number = models.CharField(max_length=20)
    name = models.CharField(max_length=100, blank=True)
    street_number = models.CharField(max_length=20)
    street = models.CharField(max_length=100)
    location = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    zip_code = models.CharField(max_length=10)
    zip_plus_four = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phone_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "phone_number"], name="sandbox_e911_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.phone_number


# --- Messaging ----------------------------------------------------------------------------


class SandboxSenderId(models.Model):
    class Type(models.TextChoices):
        NUMERIC = "numeric"
        ALPHANUMERIC = "alphanumeric"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="sender_ids")
    sender_id = models.CharField(max_length=20)
    type = models.CharField(max_length=12, choices=Type.choices)
    countries = models.JSONField(default=list)
    allowlisted_in = models.JSONField(default=list)
    usecase = models.CharField(max_length=20)
    monthly_volume = models.CharField(max_length=20, blank=True)
    samples = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sender_id"], name="sandbox_sender_unique")
        ]

    def __str__(self) -> str:
        return self.sender_id


class SandboxMessage(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound"
        INBOUND = "inbound"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    message_type = models.CharField(max_length=3, default="sms")
    sender = models.CharField(max_length=20)
    recipient = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    media = models.JSONField(null=True, blank=True)
    callback_url = models.URLField(max_length=500, blank=True)
    validity = models.PositiveIntegerField(null=True, blank=True)
    tag = models.CharField(max_length=100, null=True, blank=True)
    status = models.CharField(max_length=12)
    segments = models.PositiveIntegerField(default=1)
    charge = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    carrier_fees = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    mcc = models.CharField(max_length=3, null=True, blank=True)
    mnc = models.CharField(max_length=3, null=True, blank=True)
    error_message = models.CharField(max_length=200, null=True, blank=True)
    submitted_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["account", "direction", "submitted_at"]),
            models.Index(fields=["account", "tag"]),
        ]

    def __str__(self) -> str:
        return str(self.id)


class SandboxMessageEvent(models.Model):
    """The message's status history, in order."""

    message = models.ForeignKey(SandboxMessage, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12)
    at = models.DateTimeField()
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class SandboxWebhook(models.Model):
    """A callback Wavix owes: a delivery report or an inbound message, with its attempts."""

    class Kind(models.TextChoices):
        DELIVERY_REPORT = "dlr"
        INBOUND = "inbound"

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    message = models.ForeignKey(SandboxMessage, on_delete=models.CASCADE, related_name="webhooks")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    url = models.URLField(max_length=500)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.payload.get('status', '')} to {self.url}"


class SandboxWebhookAttempt(models.Model):
    webhook = models.ForeignKey(SandboxWebhook, on_delete=models.CASCADE, related_name="tries")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.webhook_id}: {self.status_code or self.error}"


class SandboxOptOut(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="opt_outs")
    phone_number = models.CharField(max_length=20)
    sender_id = models.CharField(max_length=20, null=True, blank=True)
    campaign_id = models.CharField(max_length=20, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.phone_number


# --- Calls and the number validator -------------------------------------------------------


class SandboxCdr(models.Model):
    class Direction(models.TextChoices):
        PLACED = "placed"
        RECEIVED = "received"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="cdrs")
    call_id = models.UUIDField(default=uuid.uuid4)
    parent_call_id = models.UUIDField(null=True, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    date = models.DateTimeField()
    caller = models.CharField(max_length=20)
    callee = models.CharField(max_length=20)
    disposition = models.CharField(max_length=8)
    duration = models.PositiveIntegerField(default=0)
    destination = models.CharField(max_length=255)
    per_minute = models.DecimalField(max_digits=8, decimal_places=4)
    charge = models.DecimalField(max_digits=10, decimal_places=4)
    sip_trunk = models.CharField(max_length=16, null=True, blank=True)
    forward_fee = models.DecimalField(max_digits=8, decimal_places=4, default=0)
    answered_by = models.CharField(max_length=8, null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["account", "direction", "date"])]

    def __str__(self) -> str:
        return str(self.call_id)


class SandboxValidationRequest(models.Model):
    """An asynchronous bulk validation: each poll validates the next share of `phone_numbers`
    into `results` (services/validator.py), so a client's polling loop sees the progress."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        SandboxAccount, on_delete=models.CASCADE, related_name="validations"
    )
    type = models.CharField(max_length=10)
    phone_numbers = models.JSONField(default=list)
    results = models.JSONField(default=list, blank=True)
    polls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)


class SandboxTranscription(models.Model):
    """A call's transcription once someone asked for one (`retranscribe`): in progress, then
    completed a few seconds later (or failed). A recorded call without a row has the
    transcript the sandbox made up for it, if any (`speech.transcribed_at_first`)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"
        FAILED = "failed"

    cdr = models.OneToOneField(SandboxCdr, on_delete=models.CASCADE, related_name="transcription")
    uuid = models.UUIDField(default=uuid.uuid4)
    status = models.CharField(max_length=12, choices=Status.choices)
    language = models.CharField(max_length=2, default="en")
    webhook_url = models.URLField(max_length=500, blank=True)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.cdr_id} {self.status}"


# --- Voice campaigns --------------------------------------------------------------------------


class SandboxVoiceCampaign(models.Model):
    """One call placed by `POST /v1/voice-campaigns`: in progress until `ends_at`, then (on the
    next read of it or of the CDRs) completed or failed, with its call record."""

    account = models.ForeignKey(
        SandboxAccount, on_delete=models.CASCADE, related_name="voice_campaigns"
    )
    callflow_id = models.PositiveIntegerField()
    caller_id = models.CharField(max_length=20)
    contact = models.CharField(max_length=20)
    callback_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=16, default="in_progress")
    created_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cdr = models.OneToOneField(
        SandboxCdr, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "status", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.callflow_id} → {self.contact}"


class SandboxDocument(models.Model):
    """A document uploaded for one number (`POST /v1/numbers/papers`): pending until its
    review time, then approved, or rejected when its file name says "reject" (so a visitor
    of `make run` can see both). Only the file's description is kept, never its bytes."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="+")
    number = models.ForeignKey(SandboxNumber, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.PositiveSmallIntegerField()
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    review_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "status", "review_at"], name="sandbox_doc_due")]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.number_id}"
