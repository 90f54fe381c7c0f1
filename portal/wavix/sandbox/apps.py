from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """A local stand-in for the Wavix API (make run, tests, benchmarks). Served under
    /wavix-sandbox/ only when WAVIX_SANDBOX_ENABLED is on; a deploy check refuses it with
    DEBUG off."""

    name = "portal.wavix.sandbox"
    label = "wavix_sandbox"
    verbose_name = "Wavix sandbox"
