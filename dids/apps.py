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

        # e911_services registers the E911 usage checker: a number with an emergency address
        # is in use.
        from . import e911_services, selectors  # noqa: F401

        # The shared base and the tenants app know nothing of numbers: they ask.
        register_account_checker(selectors.wavix_account_hold)
        register_tenant_list_annotation("e911_missing", selectors.e911_missing_count)
        register_tenant_detail_context(selectors.tenant_pools)
