from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The providers register themselves with the registry when imported.
        # --- sender IDs: the usage checker (a number used by a sender ID is in use) -------
        from dids import usage

        from .providers import apidaze, didww, gateway, wavix  # noqa: F401
        from .services.senders import sender_number_uses

        usage.register(sender_number_uses)
        # --- inbound addresses: numbers entering and leaving pools (part A) ----------------
        from dids import listeners

        from .services.relay import on_numbers_changed

        listeners.register(on_numbers_changed)
        # The intake's kept channels: forgotten when a channel changes in this process.
        from django.db.models.signals import post_delete, post_save

        from .models import Channel
        from .services.intake import intake_forget

        post_save.connect(intake_forget, sender=Channel, dispatch_uid="intake-forget-save")
        post_delete.connect(intake_forget, sender=Channel, dispatch_uid="intake-forget-delete")
