"""Support staff's view of messaging: search and filters; read-only where a write would
bypass the services (a message's status, the outbox, webhook events)."""

from django.contrib import admin  # noqa: F401

# --- channels and the debug log ------------------------------------------------------------
# --- messages, their history and the outbox ------------------------------------------------
# --- sender IDs ----------------------------------------------------------------------------
# Read-only: a sender ID is registered on Wavix by its job, and its countries' states follow
# Wavix; an edit here would never reach Wavix. Tenant admins change them in the portal.
from portal.admin import ReadOnlyAdmin, field_names  # noqa: E402

from .models import OptOut, SenderCountry, SenderId, SenderJob  # noqa: E402


class SenderCountryInline(admin.TabularInline):
    model = SenderCountry
    fields = ["country", "state", "note", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SenderId)
class SenderIdAdmin(ReadOnlyAdmin):
    list_display = ["value", "kind", "tenant", "channel", "usecase", "provider_id", "synced_at"]
    list_filter = ["kind", "usecase", "channel", "countries__state", "tenant"]
    search_fields = ["value", "provider_id", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant", "channel"]
    readonly_fields = field_names(SenderId)
    inlines = [SenderCountryInline]


@admin.register(SenderCountry)
class SenderCountryAdmin(ReadOnlyAdmin):
    list_display = ["sender", "country", "state", "tenant", "updated_at"]
    list_filter = ["state", "country", "tenant"]
    search_fields = ["sender__value", "country", "note", "tenant__slug"]
    list_select_related = ["sender", "tenant"]
    readonly_fields = field_names(SenderCountry)


@admin.register(SenderJob)
class SenderJobAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "attempt", "tenant", "channel", "created_at"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["sender_value", "provider_id", "error", "tenant__slug"]
    list_select_related = ["tenant", "channel"]
    readonly_fields = field_names(SenderJob)


# --- opt-outs ------------------------------------------------------------------------------
# Read-only: an opt-out is added through the service (which sends it to Wavix) and removed by a
# tenant admin in the portal, both audited.


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "sender", "tenant", "source", "created_at", "synced_at"]
    list_filter = ["source", "tenant"]
    search_fields = ["recipient", "sender", "note", "tenant__slug", "tenant__name"]
    list_select_related = ["tenant"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(OptOut)
