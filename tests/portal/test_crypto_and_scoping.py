"""Secrets at rest and the tenant scope that fails loudly."""

import pytest
from django.db import connection
from django.test.utils import override_settings
from django_scopes import ScopeError, scope, scopes_disabled

from portal import crypto
from tenants.models import ApiToken, Membership

pytestmark = pytest.mark.django_db


def test_encrypted_values_round_trip_and_rotate():
    old_key, new_key = crypto.Fernet.generate_key().decode(), crypto.Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        stored = crypto.encrypt("api-key-123")
    assert "api-key-123" not in stored
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert crypto.decrypt(stored) == "api-key-123"
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[new_key]),
        pytest.raises(crypto.ImproperlyConfigured, match="cannot be decrypted"),
    ):
        crypto.decrypt(stored)


def test_encrypted_field_stores_ciphertext_only():
    field = crypto.EncryptedTextField()
    stored = field.get_prep_value("s3cret-password")
    assert "s3cret" not in stored
    assert field.from_db_value(stored, None, connection) == "s3cret-password"


def test_tenant_owned_models_refuse_unscoped_queries(world):
    for model in (Membership, ApiToken):
        with pytest.raises(ScopeError):
            list(model.objects.all())
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()


def test_scope_limits_queries_to_the_tenant(world):
    with scope(tenant=world.a):
        emails = set(Membership.objects.values_list("user__email", flat=True))
    assert emails == {world.admin_a.email, world.agent_a.email}
    with scopes_disabled():
        assert Membership.objects.count() == 4
