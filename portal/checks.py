"""Deploy checks (`manage.py check --deploy`) for what a production start needs beyond
Django's own: the static files built, and encryption keys of their own for stored secrets."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, Warning
from django.core.files.storage import storages


def static_manifest_built(app_configs=None, **kwargs) -> list[Error]:
    """With the manifest storage every `{% static %}` looks its file up in the manifest that
    collectstatic writes: without it every page is a server error."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        Error(
            f"The static files manifest {storage.manifest_name} is missing from STATIC_ROOT "
            f"({settings.STATIC_ROOT}): every page would be a server error.",
            hint="Run `manage.py collectstatic --noinput` with the production settings before "
            "starting the server.",
            id="portal.E001",
        )
    ]


def field_encryption_keys_set(app_configs=None, **kwargs) -> list[Warning]:
    if settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS is not set: stored secrets (Wavix API keys, trunk passwords) "
            "are encrypted with a key derived from SECRET_KEY, so rotating SECRET_KEY makes them "
            "unreadable.",
            hint="Set FIELD_ENCRYPTION_KEYS to a Fernet key of its own (see the README, "
            "'Rotating keys'), then run `manage.py reencrypt_secrets`.",
            id="portal.W001",
        )
    ]
