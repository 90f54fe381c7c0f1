"""A deploy check: the sandbox answers for Wavix with fake data, so it must never run in
production. `manage.py check --deploy` fails when it is on with DEBUG off."""

from django.conf import settings
from django.core.checks import Error


def sandbox_off_in_production(app_configs=None, **kwargs) -> list[Error]:
    if settings.WAVIX_SANDBOX_ENABLED and not settings.DEBUG:
        return [
            Error(
                "The Wavix sandbox is enabled with DEBUG off.",
                hint="Set WAVIX_SANDBOX_ENABLED=false in production; the sandbox is a fake "
                "Wavix API for development, tests and benchmarks.",
                id="wavix_sandbox.E001",
            )
        ]
    return []
