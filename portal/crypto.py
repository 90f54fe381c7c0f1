"""Encryption of secrets at rest (provider API keys, trunk passwords).

`EncryptedTextField` stores Fernet tokens; the plaintext exists only in memory. Keys come from
FIELD_ENCRYPTION_KEYS (first encrypts, all decrypt, so keys rotate) or, if unset, are derived
from SECRET_KEY.

A stored value that no key decrypts (a key was dropped from the list, or SECRET_KEY changed
with no keys of their own) loads as an `UnreadableSecret`: empty and false, so pages render
and say the secret must be entered again, while its ciphertext is kept as it is (putting the
old key back makes it readable again). The Wavix client refuses to call with one, naming the
cause, so a task fails on the account or the trunk with that reason instead of crashing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"portal-field-encryption:" + secret_key.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64 bytes each; make one "
            "with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted: FIELD_ENCRYPTION_KEYS (or SECRET_KEY) changed "
            "without keeping the old key in the list."
        ) from exc


def encrypt_bytes(data: bytes) -> bytes:
    """A private file at rest (a number's identity document): a Fernet token of its bytes."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored file cannot be decrypted: FIELD_ENCRYPTION_KEYS (or SECRET_KEY) changed "
            "without keeping the old key in the list."
        ) from exc


class UnreadableSecret(str):
    """A stored secret that none of the keys decrypts: the empty string to everything that
    reads it, with the ciphertext kept so a save writes it back unchanged."""

    ciphertext: str

    def __new__(cls, ciphertext: str) -> UnreadableSecret:
        secret = super().__new__(cls, "")
        secret.ciphertext = ciphertext
        return secret

    def __repr__(self) -> str:
        return "UnreadableSecret()"


def is_unreadable(value) -> bool:
    return isinstance(value, UnreadableSecret)


class EncryptedTextField(models.TextField):
    """A text field whose database value is encrypted. Audit entries mask it (models list it in
    `audit_masked_fields`)."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            log.warning(
                "A stored %s.%s cannot be decrypted with the configured keys.",
                self.model.__name__ if hasattr(self, "model") else "secret",
                self.name,
            )
            return UnreadableSecret(value)

    def get_prep_value(self, value):
        if is_unreadable(value):
            return value.ciphertext
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every encrypted column."""
    from django.apps import apps

    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]
