"""Trunks and call records in the Django admin (see portal/admin.py for the rules).

All read-only here. A trunk is changed in the portal, which validates the settings, bumps its
revision and pushes it whole to Wavix; an edit here would never reach Wavix and would silently
drift. A share is a tenant's DID pool on the trunk, written with the pool rules by the trunk
service. Foreign trunks, reconciles, CDRs and CDR pulls are written by tasks, and so are
transcripts, transcription requests and speech searches (their jobs). The trunk's digest
password is encrypted at rest and excluded from every form and list.
"""

from __future__ import annotations

from django.contrib import admin

from dids.admin import NumberSearchMixin
from portal.admin import ReadOnlyAdmin, field_names

from .models import (
    SETTINGS,
    CallFlow,
    CampaignContact,
    Cdr,
    CdrPull,
    ForeignTrunk,
    SipTrunk,
    SpeechHit,
    SpeechSearch,
    Transcript,
    TranscriptionJob,
    TrunkAssignment,
    TrunkReconcile,
    VoiceCampaign,
)


@admin.register(SipTrunk)
class SipTrunkAdmin(NumberSearchMixin, ReadOnlyAdmin):
    """Read-only: see the module docstring. The password is never shown."""

    list_display = [
        "label",
        "account",
        "auth_method",
        "sip_username",
        "wavix_id",
        "callerid",
        "sync_state",
        "drift",
        "wavix_status",
        "synced_at",
    ]
    list_filter = ["auth_method", "sync_state", "drift", "delete_requested", "account"]
    search_fields = ["label", "sip_username", "wavix_id", "callerid"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    date_hierarchy = "created_at"
    exclude = ["password"]
    fieldsets = [
        (
            None,
            {"fields": ["account", *SETTINGS]},
        ),
        (
            "On Wavix",
            {
                "fields": [
                    "wavix_id",
                    "sip_username",
                    "wavix_status",
                    "ip_approval",
                    "passthrough_approved",
                ]
            },
        ),
        (
            "Sync",
            {
                "fields": [
                    "revision",
                    "sync_state",
                    "sync_error",
                    "synced_at",
                    "delete_requested",
                    "status",
                    "attempt",
                    "retry_at",
                    "claimed_until",
                    "started_at",
                    "finished_at",
                    "error",
                    "error_detail",
                    "note",
                    "create_in_doubt",
                    "drift",
                    "drift_fields",
                    "wavix_snapshot",
                    "checked_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    readonly_fields = field_names(SipTrunk, without=("password",))


@admin.register(ForeignTrunk)
class ForeignTrunkAdmin(ReadOnlyAdmin):
    """Found on Wavix by the trunk reconcile; imported from the portal."""

    list_display = ["label", "sip_username", "wavix_id", "account", "seen_at"]
    list_filter = ["account", "seen_at"]
    search_fields = ["label", "sip_username", "wavix_id"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    date_hierarchy = "seen_at"
    readonly_fields = field_names(ForeignTrunk)


@admin.register(TrunkReconcile)
class TrunkReconcileAdmin(ReadOnlyAdmin):
    """The last trunk reconcile of each account, written by its task."""

    list_display = ["account", "status", "requested_at", "checked_at", "ok", "message"]
    list_filter = ["ok", "account"]
    search_fields = ["account__name", "message"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    readonly_fields = field_names(TrunkReconcile)


@admin.register(TrunkAssignment)
class TrunkAssignmentAdmin(ReadOnlyAdmin):
    """Read-only: a share is made and changed in the portal, where its pool is written with
    the DID pool rules and its caller IDs and call limit are checked against the trunk."""

    list_display = ["trunk", "tenant", "pool", "max_calls", "caller_ids", "created_at"]
    list_filter = ["tenant", "trunk", "created_at"]
    search_fields = [
        "trunk__label",
        "trunk__sip_username",
        "tenant__name",
        "tenant__slug",
        "pool__name",
    ]
    list_select_related = ["trunk", "tenant", "pool__tenant"]
    autocomplete_fields = ["trunk", "tenant"]
    raw_id_fields = ["pool"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(TrunkAssignment)


@admin.register(Cdr)
class CdrAdmin(NumberSearchMixin, ReadOnlyAdmin):
    """Call records as Wavix reported them, pulled by a task. The table is large: no filter
    reads it whole (no distinct-values filters) and the full count is not shown."""

    list_display = [
        "started_at",
        "direction",
        "from_number",
        "to_number",
        "disposition",
        "duration",
        "charge",
        "tenant",
        "trunk",
        "account",
    ]
    list_filter = ["direction", "account", "trunk", "tenant"]
    search_fields = ["call_id", "from_number", "to_number", "destination", "sip_trunk"]
    list_select_related = ["account", "tenant", "trunk"]
    autocomplete_fields = ["account", "tenant", "trunk"]
    date_hierarchy = "started_at"
    show_full_result_count = False
    readonly_fields = field_names(Cdr)


@admin.register(CdrPull)
class CdrPullAdmin(ReadOnlyAdmin):
    """How far the CDR task has pulled each account's calls."""

    list_display = ["account", "direction", "status", "pulled_through", "last_run_at", "last_added"]
    list_filter = ["direction", "account"]
    search_fields = ["account__name", "last_error"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    readonly_fields = field_names(CdrPull)


@admin.register(Transcript)
class TranscriptAdmin(ReadOnlyAdmin):
    """Calls' transcripts as Wavix made them, fetched by a job."""

    list_display = ["call", "tenant", "language", "score", "transcribed_at", "fetched_at"]
    list_filter = ["language", "tenant"]
    search_fields = ["call__call_id", "summary"]
    list_select_related = ["call", "tenant"]
    autocomplete_fields = ["tenant"]
    readonly_fields = field_names(Transcript)


@admin.register(TranscriptionJob)
class TranscriptionJobAdmin(ReadOnlyAdmin):
    """Requests to transcribe a call, run by the job runner. The webhook token is not shown."""

    list_display = ["call", "tenant", "status", "requested", "polls", "created_at"]
    list_filter = ["status", "tenant"]
    search_fields = ["call__call_id", "error"]
    list_select_related = ["call", "tenant"]
    autocomplete_fields = ["tenant"]
    exclude = ["token"]
    readonly_fields = [f for f in field_names(TranscriptionJob) if f != "token"]


@admin.register(SpeechSearch)
class SpeechSearchAdmin(ReadOnlyAdmin):
    """Tenants' searches of their call transcripts, run by the job runner."""

    list_display = ["id", "tenant", "direction", "date_from", "date_to", "status", "hit_count"]
    list_filter = ["status", "direction", "tenant"]
    search_fields = ["tenant__name", "error"]
    list_select_related = ["tenant"]
    autocomplete_fields = ["tenant"]
    readonly_fields = field_names(SpeechSearch)


@admin.register(SpeechHit)
class SpeechHitAdmin(ReadOnlyAdmin):
    """The calls a speech search found."""

    list_display = ["search", "call", "tenant"]
    list_filter = ["tenant"]
    search_fields = ["call__call_id"]
    list_select_related = ["search", "call", "tenant"]
    autocomplete_fields = ["tenant"]
    readonly_fields = field_names(SpeechHit)


@admin.register(CallFlow)
class CallFlowAdmin(ReadOnlyAdmin):
    """Call flows are entered on the portal's platform pages (audited there)."""

    list_display = ["label", "wavix_id", "account", "is_active", "updated_at"]
    list_filter = ["is_active", "account"]
    search_fields = ["label", "description", "wavix_id"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    readonly_fields = field_names(CallFlow)


@admin.register(VoiceCampaign)
class VoiceCampaignAdmin(ReadOnlyAdmin):
    """A tenant's campaigns: written by the portal's services and the dispatcher's task."""

    list_display = ["name", "tenant", "flow", "caller_id", "rate", "status", "total", "created_at"]
    list_filter = ["status", "paused", "tenant"]
    search_fields = ["name", "caller_id", "tenant__name"]
    list_select_related = ["tenant", "flow"]
    autocomplete_fields = ["tenant", "flow", "created_by"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(VoiceCampaign)


@admin.register(CampaignContact)
class CampaignContactAdmin(ReadOnlyAdmin):
    """One row per contact of a campaign; a large table: no full count."""

    list_display = ["number", "name", "campaign", "tenant", "status", "wavix_id", "placed_at"]
    list_filter = ["status", "tenant"]
    search_fields = ["number", "name", "reason", "wavix_id"]
    list_select_related = ["campaign", "tenant"]
    raw_id_fields = ["campaign", "cdr"]
    autocomplete_fields = ["tenant"]
    show_full_result_count = False
    readonly_fields = field_names(CampaignContact)
