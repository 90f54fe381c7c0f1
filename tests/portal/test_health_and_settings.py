"""/healthz, production settings, login protection."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from ..factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(world):
    response = Client().get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_healthz_fails_when_the_broker_is_down(world, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def _manage(*args, **env):
    # The test run's own relaxations (plain HTTP, sync ORM in the browser tests) are not
    # production's.
    dropped = {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_with_debug_off_and_no_real_secret_key():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    result = _manage("check", DEBUG="false", SECRET_KEY="django-insecure-" + "x" * 60)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_failed_logins_are_throttled(world, settings):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": world.admin_a.email, "password": "wrong"})
    locked = client.post("/login/", {"username": world.admin_a.email, "password": PASSWORD})
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    # Another address is not locked out by this one's failures.
    other = Client(REMOTE_ADDR="198.51.100.10")
    ok = other.post("/login/", {"username": world.admin_a.email, "password": PASSWORD})
    assert ok.status_code == 302


def test_session_and_csrf_cookies_are_secure(world, settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    response = Client().post(
        "/login/", {"username": world.admin_a.email, "password": PASSWORD}, secure=True
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_request_id_is_echoed(world):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"


def test_every_setting_read_from_the_environment_is_documented():
    import re

    source = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    read |= set(re.findall(r"^\s+([A-Z_]+)=\(", source, flags=re.M))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and not read - documented, read - documented


def test_unknown_address_is_a_clean_404_for_visitors_and_users(world):
    from ..conftest import login

    for client in (Client(), login(world.admin_a)):
        response = client.get("/no-such-page")
        assert response.status_code == 404 and "Not found" in response.content.decode()
