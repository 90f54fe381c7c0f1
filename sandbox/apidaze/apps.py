from django.apps import AppConfig


class ApidazeSandboxConfig(AppConfig):
    """A local stand-in for Apidaze's SMS API (make run, tests), speaking its wire format as
    messaging/providers/apidaze.py describes it. Served under /apidaze-sandbox/ only when
    WAVIX_SANDBOX_ENABLED is on (the flag turns on every provider's fake; the Wavix
    sandbox's deploy check refuses it with DEBUG off)."""

    name = "sandbox.apidaze"
    label = "apidaze_sandbox"
    verbose_name = "Apidaze sandbox"
