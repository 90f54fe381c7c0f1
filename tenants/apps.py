from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants and users"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tenants.support import grant_support_view_permissions

        post_migrate.connect(grant_support_view_permissions, dispatch_uid="support_view_perms")
