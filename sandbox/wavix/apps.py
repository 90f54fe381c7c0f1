from django.apps import AppConfig
from django.core import checks


class SandboxConfig(AppConfig):
    """A local stand-in for the Wavix API (make run, tests, benchmarks). Served under
    /wavix-sandbox/ only when WAVIX_SANDBOX_ENABLED is on; a deploy check refuses it with
    DEBUG off."""

    name = "sandbox.wavix"
    label = "wavix_sandbox"
    verbose_name = "Wavix sandbox"

    def ready(self) -> None:
        from .checks import sandbox_off_in_production

        checks.register(sandbox_off_in_production, checks.Tags.security, "deploy", deploy=True)
