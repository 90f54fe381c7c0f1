"""Re-encrypts every stored secret with the first of FIELD_ENCRYPTION_KEYS, so an old key can
then be dropped from the list (README: rotating keys)."""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast
from django_scopes import scopes_disabled

from portal.crypto import encrypted_fields, fernet


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (Wavix API keys, trunk passwords) with the first key of "
        "FIELD_ENCRYPTION_KEYS. Secrets no configured key decrypts are listed and left as they "
        "are."
    )

    def handle(self, *args, **options):
        keys = fernet()
        rotated, unreadable = 0, []
        with scopes_disabled(), transaction.atomic():
            for model, name in encrypted_fields():
                # The column as stored (the field itself would decrypt it).
                rows = (
                    model._base_manager.exclude(**{name: ""})
                    .annotate(stored=Cast(F(name), TextField()))
                    .values_list("pk", "stored")
                    .order_by("pk")
                )
                for pk, stored in rows.iterator():
                    try:
                        token = keys.rotate(stored.encode()).decode()
                    except InvalidToken:
                        unreadable.append(f"{model._meta.label} #{pk} {name}")
                        continue
                    model._base_manager.filter(pk=pk).update(
                        **{name: Value(token, output_field=TextField())}
                    )
                    rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} secret{'s' if rotated != 1 else ''}.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} stored secret(s) cannot be decrypted with any configured "
                "key and were left as they are; put the old key back in FIELD_ENCRYPTION_KEYS "
                "and run this again, or enter these secrets again: " + ", ".join(unreadable)
            )
