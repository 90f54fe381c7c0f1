"""Pool ownership: one number, one tenant, always; all-or-nothing edits with named conflicts.

These tests run on PostgreSQL (exclusion constraints) and, in a second pass of bin/test, on
SQLite (the service's own check inside the write transaction)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_scopes import scopes_disabled

from dids import services, usage
from dids.models import DidPool, NumberRange
from dids.selectors import owner_of

pytestmark = pytest.mark.django_db


def ranges_of(tenant):
    with scopes_disabled():
        return list(
            NumberRange.objects.filter(tenant=tenant).order_by("start").values_list("start", "end")
        )


def test_assign_stores_canonical_ranges_not_numbers(world):
    pool, preview = services.pool_save(
        tenant=world.a, text="16468097070-16468097080;16468097065;16468097066"
    )
    assert pool.spec == "16468097065-16468097066;16468097070-16468097080" and pool.size == 13
    assert ranges_of(world.a) == [(16468097065, 16468097066), (16468097070, 16468097080)]
    big, _ = services.pool_save(tenant=world.b, text="12125550000-12126549999")
    assert big.size == 1_000_000 and len(ranges_of(world.b)) == 1


def test_conflict_names_numbers_and_owner_and_saves_nothing(world):
    services.pool_save(tenant=world.a, text="16468097065-16468097080")
    with pytest.raises(ValidationError) as caught:
        services.pool_save(tenant=world.b, text="16468097000-16468097010;16468097078-16468097090")
    message = caught.value.message_dict["numbers"][0]
    assert message == ("16468097078-16468097080 already belong to Acme Telecom (pool “Direct”)")
    assert ranges_of(world.b) == []
    with scopes_disabled():
        assert not DidPool.objects.filter(tenant=world.b).exists()


def test_edit_preview_shows_added_and_removed(world):
    pool, _ = services.pool_save(tenant=world.a, text="16468097065-16468097070")
    preview = services.pool_preview(tenant=world.a, pool=pool, text="16468097068-16468097075")
    assert preview.added.format() == "16468097071-16468097075"
    assert preview.removed.format() == "16468097065-16468097067"
    assert preview.ok
    pool, _ = services.pool_save(tenant=world.a, pool=pool, text="16468097068-16468097075")
    assert ranges_of(world.a) == [(16468097068, 16468097075)]


def test_syntax_errors_reach_the_field(world):
    with pytest.raises(ValidationError) as caught:
        services.pool_save(tenant=world.a, text="16468097065;abc;0123")
    errors = caught.value.message_dict["numbers"]
    assert len(errors) == 2 and "segment 2" in errors[0] and "segment 3" in errors[1]


def test_numbers_in_use_cannot_leave_the_pool(world):
    pool, _ = services.pool_save(tenant=world.a, text="16468097065-16468097070")

    def trunk_caller_ids(tenant, numbers):
        return (
            [usage.Use(16468097066, "caller ID of trunk “Main”")]
            if (16468097066 in numbers)
            else []
        )

    usage.register(trunk_caller_ids)
    try:
        with pytest.raises(ValidationError) as caught:
            services.pool_save(tenant=world.a, pool=pool, text="16468097067-16468097070")
        assert caught.value.message_dict["numbers"] == [
            "+16468097066 is in use: caller ID of trunk “Main”"
        ]
        with pytest.raises(ValidationError):
            services.pool_delete(pool=pool)
        # Removing numbers nothing uses is fine.
        services.pool_save(tenant=world.a, pool=pool, text="16468097066-16468097069")
    finally:
        usage.unregister(trunk_caller_ids)
    assert ranges_of(world.a) == [(16468097066, 16468097069)]


def test_who_owns_a_number(world):
    services.pool_save(tenant=world.a, text="16468097065-16468097080")
    services.pool_save(tenant=world.b, text="16468097081;12125550000-12126549999")
    assert owner_of(16468097070).tenant == world.a
    assert owner_of(16468097081).tenant == world.b
    assert owner_of(12126000000).tenant == world.b
    assert owner_of(16468097082) is None
    assert owner_of(16468097064) is None


def test_who_owns_is_one_query(world, django_assert_num_queries):
    services.pool_save(tenant=world.a, text="16468097065-16468097080")
    with django_assert_num_queries(1):
        assert owner_of(16468097070).tenant_id == world.a.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_of_overlapping_numbers_one_wins(world):
    """Two system administrators give overlapping numbers to two tenants at the same moment."""
    barrier = threading.Barrier(2)
    outcomes = {}

    def assign(tenant, text):
        try:
            barrier.wait()
            services.pool_save(tenant=tenant, text=text)
            outcomes[tenant.slug] = "saved"
        except ValidationError as exc:
            outcomes[tenant.slug] = exc.message_dict["numbers"][0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=assign, args=(world.a, "16468097065-16468097080")),
        threading.Thread(target=assign, args=(world.b, "16468097075-16468097090")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()).count("saved") == 1, (connection.vendor, outcomes)
    loser = next(slug for slug, outcome in outcomes.items() if outcome != "saved")
    assert "16468097075-16468097080 already belong to" in outcomes[loser]
    with scopes_disabled():
        assert NumberRange.objects.count() == 1
