"""The Content-Security-Policy header, and templates that need nothing it forbids (the browser
test tests/e2e/test_csp.py loads the pages; this catches a new inline script at once)."""

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = ["templates", "portal", "tenants", "dids", "trunks", "messaging"]
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "inline style element": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle=[\"']"),
    "inline event handler": re.compile(r"\son[a-z]+=[\"']"),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx eval (js: values, hx-on)": re.compile(r"hx-vals=[\"']js:|hx-on[:-]"),
}


def templates() -> list[Path]:
    return [p for d in TEMPLATE_DIRS for p in (ROOT / d).rglob("*.html") if ".venv" not in p.parts]


def test_pages_are_sent_with_a_policy_that_allows_no_inline_script_or_style(db):
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_needs_an_inline_script_handler_or_style():
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}: {what}"
        for path in templates()
        for text in [path.read_text()]
        for what, pattern in FORBIDDEN.items()
        for m in pattern.finditer(text)
    ]
    assert len(templates()) > 50
    assert not found, "\n".join(found)


@pytest.mark.parametrize("query", ["", "?script="])
def test_api_docs_page_and_its_init_script_are_served_separately(db, query):
    from tests.conftest import login
    from tests.factories import UserFactory

    response = login(UserFactory()).get(f"/api/docs/{query}")
    assert response.status_code == 200
    body = response.content.decode()
    if query:
        assert response["Content-Type"].startswith("application/javascript")
        assert "SwaggerUIBundle" in body
    else:
        assert '<script src="/api/docs/?script="' in body and "<style" not in body
