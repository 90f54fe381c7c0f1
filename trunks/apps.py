from django.apps import AppConfig


class TrunksConfig(AppConfig):
    name = "trunks"
    verbose_name = "SIP trunks"

    def ready(self) -> None:
        from django.core import checks

        from dids import usage

        from .checks import retired_address_settings
        from .services import cdrs, sync  # noqa: F401 - registers the job runners (their sweep)
        from .usage import trunk_number_uses

        usage.register(trunk_number_uses)
        checks.register(retired_address_settings)
