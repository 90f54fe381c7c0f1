"""The Django admin: support staff's cross-tenant view of every model.

Every model of the project is registered (tests/portal/test_admin.py checks it), each with
search and filters. Support staff read everything; they change a model only where their group
is granted the change permission and the model's admin allows changes at all. Models written
by tasks, or whose writes must go through a service (pools, trunks, Wavix accounts), are
read-only here whatever the permissions: see `ReadOnlyAdmin`.

Secrets (`EncryptedTextField` columns: Wavix API keys, trunk passwords) are never part of an
admin form, display, search or filter.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group

from portal.models import AuditEntry, WavixAccount

admin.site.unregister(Group)


def field_names(model, *, without: tuple[str, ...] = ()) -> list[str]:
    """The model's concrete fields but its primary key and `without`, for read-only pages."""
    return [f.name for f in model._meta.fields if not f.primary_key and f.name not in without]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by whoever has the view permission; added, changed and deleted by nobody here,
    whatever permissions a group is granted (the data is written by tasks or by a service that
    enforces rules the admin's forms would bypass)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = ["name"]
    list_filter = ["permissions__content_type__app_label"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is evidence: nobody edits or deletes it here."""

    list_display = [
        "timestamp",
        "actor_label",
        "source",
        "action",
        "content_type",
        "object_repr",
        "tenant",
    ]
    list_filter = ["action", "source", "content_type", "tenant", "timestamp"]
    search_fields = ["object_repr", "actor_label", "request_id", "object_id"]
    list_select_related = ["content_type", "tenant"]
    date_hierarchy = "timestamp"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(WavixAccount)
class WavixAccountAdmin(ReadOnlyAdmin):
    """Wavix accounts are managed by system administrators under /platform/wavix/, where the
    API key is entered (and never shown again). Read-only here: the key is not in this form, a
    changed base URL would send the stored key to another host, and the default-account and
    delete rules live in portal.services. The key is excluded from every form and list."""

    list_display = [
        "name",
        "base_url",
        "auth_mode",
        "is_default",
        "last_check_ok",
        "last_checked_at",
        "updated_at",
    ]
    list_filter = ["auth_mode", "is_default", "last_check_ok"]
    search_fields = ["name", "base_url", "last_check_message"]
    date_hierarchy = "created_at"
    exclude = ["api_key"]
    fields = field_names(WavixAccount, without=("api_key",))
    readonly_fields = fields
