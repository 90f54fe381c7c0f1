"""A view's context defaults never clash with what its caller passes.

`super().get_context_data(form=..., **kwargs)` raises TypeError (a 500) the day a caller
passes `form` itself, as a form view does when it re-renders an invalid form. Context defaults
are merged under the caller's values instead: `**{"form": ..., **kwargs}`.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "tenants", "dids", "trunks", "messaging")


def _view_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _clashing_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_context_data"
        ):
            continue
        named = [k.arg for k in node.keywords if k.arg is not None]
        spread = [k for k in node.keywords if k.arg is None]
        if named and spread:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} ({', '.join(named)})")
    return found


def test_no_view_passes_context_defaults_beside_the_callers_kwargs():
    clashes = [c for path in _view_modules() for c in _clashing_calls(path)]
    assert clashes == [], "get_context_data(name=..., **kwargs) breaks when a caller passes name"


@pytest.mark.django_db
def test_role_added_with_no_tenant_chosen_says_choose_a_tenant(world):
    from ..conftest import login

    client = login(world.sysadmin)
    user = world.agent_a
    response = client.post(
        f"/platform/users/{user.pk}/memberships/", {"tenant": "", "role": "admin"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a tenant." in page
    # The page is the user's page again, with their details and current roles.
    assert user.email in page and "Acme Telecom" in page
