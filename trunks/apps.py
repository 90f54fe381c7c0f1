from django.apps import AppConfig


class TrunksConfig(AppConfig):
    name = "trunks"
    verbose_name = "SIP trunks"

    def ready(self) -> None:
        from dids import usage

        from .usage import trunk_number_uses

        usage.register(trunk_number_uses)
