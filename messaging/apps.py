from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The providers register themselves with the registry when imported.
        # --- sender IDs: the usage checker (a number used by a sender ID is in use) -------
        from dids import usage

        from .providers import wavix  # noqa: F401
        from .services.senders import sender_number_uses

        usage.register(sender_number_uses)
        # --- inbound addresses: numbers entering and leaving pools (part A) ----------------
        from dids import listeners

        from .services.relay import on_numbers_changed

        listeners.register(on_numbers_changed)
