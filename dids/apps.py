from django.apps import AppConfig


class DidsConfig(AppConfig):
    # The design card's "numbers" app. A top-level package named `numbers` would shadow the
    # standard library's `numbers` module, which `decimal` (and so Django) imports.
    name = "dids"
    verbose_name = "Numbers"

    def ready(self) -> None:
        from portal.services import register_account_checker
        from tenants.selectors import (
            register_tenant_detail_context,
            register_tenant_list_annotation,
        )

        from . import selectors, usage
        from .services.e911 import e911_uses

        # A number with an emergency address is in use.
        usage.register(e911_uses)
        # The shared base and the tenants app know nothing of numbers: they ask.
        register_account_checker(selectors.wavix_account_hold)
        register_tenant_list_annotation("e911_missing", selectors.e911_missing_count)
        register_tenant_detail_context(selectors.tenant_pools)
