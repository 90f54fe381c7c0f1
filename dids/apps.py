from django.apps import AppConfig


class DidsConfig(AppConfig):
    # The design card's "numbers" app. A top-level package named `numbers` would shadow the
    # standard library's `numbers` module, which `decimal` (and so Django) imports.
    name = "dids"
    verbose_name = "Numbers"

    def ready(self) -> None:
        from . import usage
        from .services.e911 import e911_uses

        # A number with an emergency address is in use.
        usage.register(e911_uses)
