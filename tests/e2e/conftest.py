"""Browser fixtures for the end-to-end tests: one headless Chromium per session, a fresh context
(cookies, storage) per test, and settings that let the session and CSRF cookies travel over the
plain-http live server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from portal.services import wavix_account_save
from portal.wavix.client import close_sessions
from sandbox.wavix.seed import seed_catalogue
from tests.mail import smtp_server  # noqa: F401 - the fixture

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls from the tests (fixtures, checks of the database) in that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _cookies_over_http(settings):
    """The live server speaks http and the tests run with DEBUG off: secure cookies would never
    be sent back, so no one could stay logged in or pass the CSRF check. (SecurityMiddleware
    reads SECURE_SSL_REDIRECT once, when the session-wide live server starts; bin/test's
    SECURE_SSL_REDIRECT=false covers that.)"""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def live_sandbox(live_server, settings, eager_celery):
    """The portal's (default) Wavix account is the sandbox served by the live server, reached
    over HTTP as Wavix would be; its catalogue is seeded, and tasks run at once (eager)."""
    settings.WAVIX_SANDBOX_ENABLED = True
    seed_catalogue()
    return wavix_account_save(
        name="Sandbox",
        base_url=f"{live_server.url}/wavix-sandbox",
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
        is_default=True,
    )


@pytest.fixture(autouse=True)
def _wavix_connections_closed():
    """A test's Wavix is the sandbox on the live server: its kept-alive connections end with
    the test, so the server's threads close their database connections before the test
    database is dropped."""
    yield
    close_sessions()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page):
    """Saves a full-page screenshot to test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
