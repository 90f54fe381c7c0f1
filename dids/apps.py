from django.apps import AppConfig


class DidsConfig(AppConfig):
    # The design card's "numbers" app. A top-level package named `numbers` would shadow the
    # standard library's `numbers` module, which `decimal` (and so Django) imports.
    name = "dids"
    verbose_name = "Numbers"

    def ready(self) -> None:
        # Registers the E911 usage checker: a number with an emergency address is in use.
        from . import e911_services  # noqa: F401
