from django.apps import AppConfig


class TrunksConfig(AppConfig):
    name = "trunks"
    verbose_name = "SIP trunks"
