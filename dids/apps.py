from django.apps import AppConfig


class DidsConfig(AppConfig):
    # The design card's "numbers" app. A top-level package named `numbers` would shadow the
    # standard library's `numbers` module, which `decimal` (and so Django) imports.
    name = "dids"
    verbose_name = "Numbers"
