from django.apps import AppConfig


class DidwwSandboxConfig(AppConfig):
    """DIDWW's SMS trunks, faked (sandbox/didww/__init__.py). Served under /didww-sandbox/ only
    when WAVIX_SANDBOX_ENABLED is on, the flag of every provider's fake; the Wavix sandbox's
    deploy check refuses the flag with DEBUG off."""

    name = "sandbox.didww"
    label = "didww_sandbox"
    verbose_name = "DIDWW sandbox"
