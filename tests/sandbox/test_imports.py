"""The sandbox stands apart: no domain app and no module of the shared base imports it (the
portal reaches it only over HTTP, like the real provider), and it imports no domain app.
Only the top layer (demo seeding, the URLs) may import it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("tenants", "dids", "trunks", "messaging")
# The top layer inside the project package: it may import anything.
TOP_LAYER = ("portal/demo/", "portal/management/commands/", "portal/urls.py")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def importers_of(package: str, roots: tuple[str, ...], skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(skip):
                continue
            if any(m == package or m.startswith(f"{package}.") for m in imported_modules(path)):
                found.append(relative)
    return found


def test_no_domain_app_and_no_base_module_imports_the_sandbox():
    assert importers_of("sandbox", (*DOMAIN_APPS, "portal"), skip=TOP_LAYER) == []


def test_the_sandbox_imports_no_domain_app():
    for app in DOMAIN_APPS:
        assert importers_of(app, ("sandbox",)) == [], app
