from django.apps import AppConfig
from django.core import checks


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal import audit
        from portal.checks import field_encryption_keys_set, static_manifest_built

        audit.connect_signals()
        checks.register(static_manifest_built, checks.Tags.staticfiles, deploy=True)
        checks.register(field_encryption_keys_set, checks.Tags.security, deploy=True)
