from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The providers register themselves with the registry when imported.
        from .providers import wavix  # noqa: F401

        # --- sender IDs: the usage checker (a number used by a sender ID is in use) -------
