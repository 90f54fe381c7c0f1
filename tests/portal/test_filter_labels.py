"""Every filter on every list has a readable label (a filter on a name the model lacks, such
as one with a `method`, is otherwise labelled "[invalid name]" by django-filter)."""

import importlib

import django_filters
import pytest

from ..conftest import login

FILTER_MODULES = ("portal.filters", "tenants.filters", "dids.filters", "trunks.filters")


def _filtersets():
    for name in FILTER_MODULES:
        importlib.import_module(name)
    pending, seen = [django_filters.FilterSet], set()
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                pending.append(sub)
    return sorted(
        (fs for fs in seen if fs._meta.model is not None and fs.__module__ in FILTER_MODULES),
        key=lambda fs: fs.__qualname__,
    )


@pytest.mark.django_db
def test_every_filter_of_every_list_has_a_readable_label():
    sets = _filtersets()
    assert len(sets) >= 5
    unlabelled = [
        f"{fs.__module__}.{fs.__name__}.{name}"
        for fs in sets
        for name, field in fs(queryset=fs._meta.model._default_manager.none()).form.fields.items()
        if "invalid name" in str(field.label) or not str(field.label).strip()
    ]
    assert unlabelled == []


@pytest.mark.django_db
def test_user_list_role_filter_is_labelled_role(world):
    page = login(world.sysadmin).get("/platform/users/").content.decode()
    assert "[invalid name]" not in page
    assert '<label class="form-label small mb-0" for="id_kind">Role</label>' in page
