from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group

from portal.models import AuditEntry

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = ["name"]
    list_filter = ["permissions__content_type__app_label"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
