from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants and users"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from tenants.auth import flag_invitations_for_review
        from tenants.support import grant_support_view_permissions

        post_migrate.connect(grant_support_view_permissions, dispatch_uid="support_view_perms")
        user_logged_in.connect(flag_invitations_for_review, dispatch_uid="review_invitations")
