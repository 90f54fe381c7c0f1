from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from tenants.models import ApiToken, Invitation, Membership, Tenant, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "tenant"]


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__role"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "contact_email", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "slug", "contact_email"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role", "tenant"]
    search_fields = ["user__email", "user__full_name", "tenant__name", "tenant__slug"]
    list_select_related = ["user", "tenant"]
    autocomplete_fields = ["user", "tenant"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "tenant", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["tenant", "revoked_at", "expires_at"]
    search_fields = ["name", "prefix", "user__email", "tenant__slug"]
    list_select_related = ["user", "tenant"]
    # Tokens are made in the portal, where the secret is shown once; here they are read-only
    # but for revocation.
    readonly_fields = [
        "user",
        "tenant",
        "name",
        "prefix",
        "key_hash",
        "allowed_ips",
        "expires_at",
        "last_used_at",
        "last_used_ip",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "tenant", "role", "mail_status", "expires_at", "accepted_at"]
    list_filter = ["tenant", "role", "mail_status", "accepted_at", "revoked_at", "expires_at"]
    search_fields = ["email", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant", "invited_by"]
    # Invitations are made, resent and revoked in the portal (where the mail is sent); the link's
    # secret never reaches the admin.
    exclude = ["token", "token_hash"]
    readonly_fields = [
        "tenant",
        "email",
        "role",
        "invited_by",
        "expires_at",
        "mail_status",
        "mail_error",
        "sent_at",
        "send_count",
        "accepted_at",
        "accepted_by",
        "declined_at",
        "revoked_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False
