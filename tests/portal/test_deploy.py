"""The deploy smoke test: with DEBUG off the production static files build, `check --deploy`
passes with production settings, and a real production server process (gunicorn) answers the
login page, a static file under its hashed name with long cache headers, a login and the
dashboards. Then what `check --deploy` must refuse."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from cryptography.fernet import Fernet
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tenants import services
from tenants.models import Role

from ..factories import PASSWORD, TenantFactory, member

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_SECONDS = 60
# The server stops by itself even if this test process dies before it can stop it.
SERVER_LIFETIME_SECONDS = 300


def _database_url() -> str:
    """The test database, for the processes started here."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(tmp_path: Path, **overrides) -> dict[str, str]:
    """The environment of a production start: DEBUG off, a long random SECRET_KEY, encryption
    keys of their own, HTTPS behind a TLS-terminating proxy, no sandbox. None of the test
    run's relaxations."""
    dropped = {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DEBUG="false",
        SECRET_KEY=Fernet.generate_key().decode() + Fernet.generate_key().decode(),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        WAVIX_SANDBOX_ENABLED="false",
        ALLOWED_HOSTS="127.0.0.1,portal.example.com",
        SECURE_PROXY_SSL_HEADER="true",
        STATIC_ROOT=str(tmp_path / "static"),
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=_database_url(),
    )
    env.update(overrides)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class ProductionServer:
    """gunicorn on a port the system picks, its log in a file; speaks to it as the TLS proxy
    in front of it would (X-Forwarded-Proto: https), carrying the session's cookies itself
    (they are Secure, so a client would not send them over the plain loopback)."""

    def __init__(self, env: dict, log: Path) -> None:
        self.log = log
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [
            *("timeout", str(SERVER_LIFETIME_SECONDS), gunicorn, "portal.wsgi:application"),
            *("--bind", "127.0.0.1:0", "--workers", "2", "--no-control-socket"),
            *("--error-logfile", str(log)),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        self.url = self._wait_for_address()
        self.cookies: dict[str, str] = {}

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            text = self.log.read_text() if self.log.exists() else ""
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"gunicorn did not start:\n{self.log.read_text()}")

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **kwargs.pop("headers", {}),
        }
        response = requests.request(
            method, self.url + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def log_in(self, email: str) -> requests.Response:
        form = self.request("GET", "/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        host = self.url.removeprefix("http://")
        return self.request(
            "POST",
            "/login/",
            data={"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
            headers={"Origin": f"https://{host}", "Referer": f"https://{host}/login/"},
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Production static files collected once into a fresh STATIC_ROOT."""
    root = tmp_path_factory.mktemp("production") / "static"
    result = manage(
        production_env(root.parent, STATIC_ROOT=str(root)), "collectstatic", "--noinput"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "staticfiles.json").exists()
    return root


def production_password(user) -> None:
    """The test run hashes with MD5 for speed; the production server knows only the real
    hashers."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])


@pytest.mark.django_db(transaction=True)
def test_production_server_serves_pages_and_hashed_static_files_with_debug_off(
    static_root, tmp_path
):
    env = production_env(tmp_path, STATIC_ROOT=str(static_root))
    check = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr

    sysadmin = services.user_create(
        email="ops@portal.example", password=PASSWORD, full_name="Ops", is_system_admin=True
    )
    tenant_admin = member(TenantFactory(slug="globex"), Role.ADMIN, email="admin@globex.example")
    for user in (sysadmin, tenant_admin):
        production_password(user)

    server = ProductionServer(env, tmp_path / "gunicorn.log")
    try:
        # Plain http is sent to https; behind the proxy the login page is served.
        plain = requests.get(server.url + "/login/", allow_redirects=False, timeout=30)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        login_page = server.request("GET", "/login/")
        assert login_page.status_code == 200, login_page.text[:2000]
        assert "Strict-Transport-Security" in login_page.headers
        assert "script-src 'self'" in login_page.headers["Content-Security-Policy"]

        stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', login_page.text)
        assert stylesheet, "the login page links the stylesheet under its hashed name"
        css = server.request("GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
        assert "max-age=315360000" in css.headers["Cache-Control"]
        assert "immutable" in css.headers["Cache-Control"]
        assert css.headers.get("Content-Encoding") == "gzip"
        for script in re.findall(r'src="(/static/[^"]+\.js)"', login_page.text):
            assert server.request("GET", script).status_code == 200, script

        logged_in = server.log_in(sysadmin.email)
        assert logged_in.status_code == 302, logged_in.text[:2000]
        home = server.request("GET", "/")
        assert home.status_code == 302 and home.headers["Location"] == "/platform/"
        dashboard = server.request("GET", "/platform/")
        assert dashboard.status_code == 200, dashboard.text[:2000]
        chart = r'src="/static/vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js"'
        assert re.search(chart, dashboard.text)

        server.cookies.clear()
        assert server.log_in(tenant_admin.email).status_code == 302
        tenant_dashboard = server.request("GET", "/t/globex/")
        assert tenant_dashboard.status_code == 200, tenant_dashboard.text[:2000]
    finally:
        server.stop()
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


def test_deploy_check_fails_without_static_files_and_warns_without_encryption_keys(tmp_path):
    result = manage(production_env(tmp_path, FIELD_ENCRYPTION_KEYS=""), "check", "--deploy")
    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "collectstatic" in result.stderr
    assert "portal.W001" in result.stderr and "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_every_source_map_a_static_file_names_is_shipped():
    """collectstatic's manifest storage follows sourceMappingURL comments: a vendored file
    that names a map we do not ship breaks the production build."""
    static = ROOT / "static"
    missing = []
    for path in static.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            if not (path.parent / name).exists():
                missing.append(f"{path.relative_to(static)} -> {name}")
    assert not missing, missing
