"""The numbers app in the Django admin (see portal/admin.py for the rules).

Read-only here: the inventory (a mirror of Wavix written by the sync), pools and their ranges
(edited in the portal, where the pool service previews changes and refuses numbers in use),
E911 addresses (provisioned on Wavix by a job), and what tasks write (sync runs, orders, E911
jobs, reconcile runs and drift). Changeable with the group's permission: a tenant's label and
description of a number (DidNote).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import truncatechars

from portal.admin import ReadOnlyAdmin, field_names
from portal.phone import search_digits

from .models import (
    Did,
    DidNote,
    DidPool,
    DocumentUpload,
    E911Address,
    E911Drift,
    E911Job,
    E911ReconcileRun,
    NumberDocument,
    NumberOrder,
    NumberRange,
    PoolImport,
    SyncRun,
    ValidationJob,
    ValidationPrice,
    ValidationResult,
    ValidatorSettings,
)


def phone_number(term: str) -> int | None:
    """The number a search term writes, however it is punctuated: "+1 (646) 809-7065" is
    16468097065. None if the term is not a phone number."""
    digits = search_digits(term)
    return int(digits) if digits and digits[0] != "0" else None


class NumberSearchMixin:
    """Phone numbers are stored as E.164 digits; a search for "+1 646 809-7065" also matches
    them (the term as typed is searched too)."""

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        number = phone_number(search_term)
        if number is not None and str(number) != search_term.strip():
            by_number, more = super().get_search_results(request, queryset, str(number))
            found, duplicates = found | by_number, duplicates or more
        return found, duplicates


@admin.display(description="number", ordering="number")
def e164(obj) -> str:
    return f"+{obj.number}"


class HoldingNumberSearchMixin:
    """A search for a phone number also finds the rows whose ranges hold it (a pool holds a
    number without naming it)."""

    def holding(self, queryset, number: int):
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        number = phone_number(search_term)
        if number is not None:
            found = found | self.holding(queryset, number)
        return found, duplicates


@admin.register(DidPool)
class DidPoolAdmin(HoldingNumberSearchMixin, ReadOnlyAdmin):
    """Read-only: a pool is edited in the portal (tenant pools page, trunk shares), where the
    pool service previews the change, refuses numbers of another tenant or in use, and writes
    the ranges and the pool's spec and size together. An edit here would bypass all of it."""

    list_display = ["name", "tenant", "size", "spec_short", "created_at", "updated_at"]
    list_filter = ["tenant", "created_at"]
    search_fields = ["name", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    autocomplete_fields = ["tenant"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(DidPool)

    @admin.display(description="numbers")
    def spec_short(self, obj) -> str:
        return truncatechars(obj.spec, 80)

    def holding(self, queryset, number):
        ranges = NumberRange._base_manager.filter(
            pool=OuterRef("pk"), start__lte=number, end__gte=number
        )
        return queryset.filter(Exists(ranges))


@admin.register(NumberRange)
class NumberRangeAdmin(HoldingNumberSearchMixin, ReadOnlyAdmin):
    """Read-only: ranges are written only by the pool service, with the pool (see DidPoolAdmin);
    the one-pool-per-number rule is a PostgreSQL exclusion constraint there and a service check
    on SQLite, and numbers in use must not leave a pool."""

    list_display = ["__str__", "pool", "tenant", "size"]
    list_filter = ["tenant"]
    search_fields = ["pool__name", "tenant__name", "tenant__slug"]
    list_select_related = ["pool__tenant", "tenant"]
    raw_id_fields = ["pool"]
    autocomplete_fields = ["tenant"]
    readonly_fields = field_names(NumberRange)

    def holding(self, queryset, number):
        return queryset.filter(start__lte=number, end__gte=number)


@admin.register(Did)
class DidAdmin(NumberSearchMixin, ReadOnlyAdmin):
    """The inventory, read-only: every field is Wavix's, written by the inventory sync (which
    would overwrite an edit here, `label` included, without it ever reaching Wavix). Numbers
    are bought and returned with orders in the portal; a tenant's own label is a DidNote."""

    list_display = [
        e164,
        "owner",
        "account",
        "status",
        "country",
        "city",
        "number_type",
        "sms_enabled",
        "e911_registered",
        "label",
        "paid_until",
        "updated_at",
    ]
    list_filter = ["status", "account", "country", "sms_enabled", "e911_registered"]
    search_fields = ["number", "wavix_id", "label", "city"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    readonly_fields = field_names(Did)

    def get_queryset(self, request):
        return super().get_queryset(request).with_owner()

    @admin.display(description="tenant (pool)", ordering="owner_tenant")
    def owner(self, obj) -> str:
        return obj.owner_tenant or "—"


@admin.register(DidNote)
class DidNoteAdmin(NumberSearchMixin, admin.ModelAdmin):
    """A tenant's label and description of one of its numbers: support may correct them when
    the group is granted the change permission. Notes are made in the portal (which checks the
    number is in the tenant's pool), so the tenant and the number are fixed here."""

    list_display = [e164, "tenant", "label", "description_short", "updated_at"]
    list_filter = ["tenant", "updated_at"]
    search_fields = ["number", "label", "description", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    autocomplete_fields = ["tenant"]
    date_hierarchy = "updated_at"
    fields = ["tenant", "number", "label", "description", "updated_at"]
    readonly_fields = ["tenant", "number", "updated_at"]

    @admin.display(description="description")
    def description_short(self, obj) -> str:
        return truncatechars(obj.description, 80)

    def has_add_permission(self, request):
        return False


@admin.register(PoolImport)
class PoolImportAdmin(ReadOnlyAdmin):
    """Pool CSV imports, written by the import service and its tasks (the uploaded file is
    not shown: it is kept only until its dry run)."""

    list_display = ["created_at", "requested_by", "filename", "phase", "status", "total"]
    list_filter = ["phase", "status"]
    search_fields = ["filename", "requested_by__email"]
    date_hierarchy = "created_at"
    exclude = ["data"]
    readonly_fields = field_names(PoolImport, without=("data",))


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    """Written by the inventory sync task."""

    list_display = [
        "queued_at",
        "account",
        "status",
        "trigger",
        "requested_by",
        "pages_done",
        "pages_total",
        "created",
        "updated",
        "released",
        "finished_at",
    ]
    list_filter = ["status", "trigger", "account", "queued_at"]
    search_fields = ["account__name", "requested_by__email", "error"]
    list_select_related = ["account", "requested_by"]
    autocomplete_fields = ["account", "requested_by"]
    date_hierarchy = "queued_at"
    readonly_fields = field_names(SyncRun)


@admin.register(NumberOrder)
class NumberOrderAdmin(ReadOnlyAdmin):
    """Placed by system administrators in the portal and carried out on Wavix by a task."""

    list_display = [
        "created_at",
        "kind",
        "status",
        "account",
        "tenant",
        "number_count",
        "requested_by",
        "finished_at",
    ]
    list_filter = ["kind", "status", "account", "tenant", "created_at"]
    search_fields = ["numbers", "tenant__name", "tenant__slug", "requested_by__email", "error"]
    list_select_related = ["account", "tenant", "requested_by"]
    autocomplete_fields = ["account", "tenant", "requested_by"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(NumberOrder)

    @admin.display(description="numbers")
    def number_count(self, obj) -> int:
        return len(obj.numbers)


@admin.register(E911Job)
class E911JobAdmin(ReadOnlyAdmin):
    """Carried out on Wavix by a task, number by number."""

    list_display = [
        "created_at",
        "tenant",
        "kind",
        "status",
        "total",
        "done",
        "failed",
        "requested_by",
        "finished_at",
    ]
    list_filter = ["kind", "status", "tenant", "created_at"]
    search_fields = ["numbers", "tenant__name", "tenant__slug", "requested_by__email", "error"]
    list_select_related = ["tenant", "requested_by"]
    autocomplete_fields = ["tenant", "requested_by"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(E911Job)


@admin.register(E911Address)
class E911AddressAdmin(NumberSearchMixin, ReadOnlyAdmin):
    """Read-only: an address is validated and provisioned on Wavix by an E911 job from the
    portal; an edit here would not reach Wavix (the reconcile would report it as drift), and a
    deletion would free a number still registered for emergency calls."""

    list_display = [e164, "tenant", "name", "one_line", "status", "provisioned_at", "updated_at"]
    list_filter = ["status", "state", "tenant"]
    search_fields = [
        "number",
        "name",
        "street",
        "city",
        "zip_code",
        "tenant__name",
        "tenant__slug",
    ]
    list_select_related = ["tenant"]
    autocomplete_fields = ["tenant"]
    raw_id_fields = ["job"]
    readonly_fields = field_names(E911Address)


@admin.register(E911ReconcileRun)
class E911ReconcileRunAdmin(ReadOnlyAdmin):
    """Written by the E911 reconcile task."""

    list_display = [
        "queued_at",
        "account",
        "status",
        "trigger",
        "records",
        "drift",
        "requested_by",
        "finished_at",
    ]
    list_filter = ["status", "trigger", "account", "queued_at"]
    search_fields = ["account__name", "requested_by__email", "error"]
    list_select_related = ["account", "requested_by"]
    autocomplete_fields = ["account", "requested_by"]
    date_hierarchy = "queued_at"
    readonly_fields = field_names(E911ReconcileRun)


@admin.register(E911Drift)
class E911DriftAdmin(NumberSearchMixin, ReadOnlyAdmin):
    """Replaced by every E911 reconcile run."""

    list_display = [e164, "kind", "tenant", "account", "portal_line", "wavix_line", "found_at"]
    list_filter = ["kind", "account", "tenant"]
    search_fields = ["number", "tenant__name", "tenant__slug"]
    list_select_related = ["account", "tenant"]
    autocomplete_fields = ["account", "tenant"]
    date_hierarchy = "found_at"
    readonly_fields = field_names(E911Drift)


# The number validator: jobs and results are written by the task, prices and settings in the
# portal's pages (with their checks and audit).


@admin.register(ValidationJob)
class ValidationJobAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "tenant",
        "type",
        "status",
        "total",
        "validated",
        "invalid",
        "total_cost",
        "run_async",
        "created_by",
    ]
    list_filter = ["type", "status", "run_async", "tenant"]
    search_fields = ["tenant__name", "tenant__slug", "created_by__email", "request_uuid", "error"]
    list_select_related = ["tenant", "created_by"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(ValidationJob)


@admin.register(ValidationResult)
class ValidationResultAdmin(NumberSearchMixin, ReadOnlyAdmin):
    list_display = ["number", "tenant", "job", "valid", "number_type", "carrier", "validated_at"]
    list_filter = ["valid", "number_type", "unallocated", "tenant"]
    search_fields = ["=number", "carrier"]
    list_select_related = ["tenant", "job"]
    readonly_fields = field_names(ValidationResult)


@admin.register(ValidationPrice)
class ValidationPriceAdmin(ReadOnlyAdmin):
    list_display = ["type", "price", "updated_at"]
    list_filter = ["type"]
    search_fields = ["type"]
    readonly_fields = field_names(ValidationPrice)


@admin.register(ValidatorSettings)
class ValidatorSettingsAdmin(ReadOnlyAdmin):
    list_display = ["tenant", "check_recipients", "recent_days", "updated_at"]
    list_filter = ["check_recipients"]
    search_fields = ["tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    readonly_fields = field_names(ValidatorSettings)


# Number documents: written by the upload service and its job, and by the sync (Wavix's
# review). The file itself is never shown: it is encrypted, and wiped once Wavix has it.


@admin.register(DocumentUpload)
class DocumentUploadAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "doc_type", "file_name", "size", "status", "wiped_at"]
    list_filter = ["doc_type", "status", "tenant"]
    search_fields = ["tenant__name", "tenant__slug", "file_name", "created_by__email", "error"]
    list_select_related = ["tenant", "created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [f for f in field_names(DocumentUpload) if f != "data"]
    exclude = ["data"]


@admin.register(NumberDocument)
class NumberDocumentAdmin(ReadOnlyAdmin):
    list_display = [
        "did",
        "tenant",
        "doc_type",
        "status",
        "wavix_id",
        "allow_replace",
        "updated_at",
    ]
    list_filter = ["doc_type", "status", "tenant"]
    search_fields = ["=did__number", "wavix_id", "upload__file_name"]
    list_select_related = ["tenant", "did"]
    readonly_fields = field_names(NumberDocument)
