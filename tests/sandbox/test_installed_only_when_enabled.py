"""A deploy with the Wavix sandbox off (WAVIX_SANDBOX_ENABLED=false, as in production) does
not install it: a fresh database migrates with no sandbox table, no other app's migrations
need it, and its address prefix is a 404. Turning it on later on that database adds only its
own tables. Each step runs `manage.py` in a process of its own, with production settings."""

import json
import subprocess
import sys
from pathlib import Path

from ..portal.test_deploy import production_env

ROOT = Path(__file__).resolve().parents[2]

# What the process reports: the sandbox app's state, the database's tables, and the answer
# to a request under the sandbox's prefix (as the TLS proxy in front would send it). Static
# files are served as they are: the hashed names need collectstatic, not under test here.
REPORT = """
import json
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
    answer = Client().get("/wavix-sandbox/v1/profile", HTTP_HOST="portal.example.com", secure=True)
    didww = Client().post(
        "/didww-sandbox/outbound_messages", HTTP_HOST="portal.example.com", secure=True
    )
    gateway = Client().get(
        "/gateway-sandbox/bulksms/v1/profile", HTTP_HOST="portal.example.com", secure=True
    )
print(json.dumps({
    "gateway_status": gateway.status_code,
    "installed": apps.is_installed("sandbox.wavix"),
    "didww": apps.is_installed("sandbox.didww"),
    "tables": connection.introspection.table_names(),
    "status": answer.status_code,
    "didww_status": didww.status_code,
}))
"""


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def report(env: dict) -> dict:
    return json.loads(manage(env, "shell", "-c", REPORT).stdout.strip().splitlines()[-1])


def sandbox_tables(tables: list[str]) -> set[str]:
    """The tables of every provider's fake (app labels `<provider>_sandbox`)."""
    return {t for t in tables if "_sandbox_" in t}


def test_a_deploy_with_the_sandbox_off_migrates_without_its_tables_and_answers_404(tmp_path):
    off = production_env(
        tmp_path,
        WAVIX_SANDBOX_ENABLED="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
    )
    manage(off, "check")
    manage(off, "migrate", "--noinput")
    # No app's migrations are missing, and none depends on the sandbox's.
    assert "No changes detected" in manage(off, "makemigrations", "--check", "--dry-run").stdout
    state = report(off)
    assert state["installed"] is False and state["didww"] is False
    assert "tenants_tenant" in state["tables"]
    assert sandbox_tables(state["tables"]) == set()
    assert state["status"] == 404 and state["didww_status"] == 404
    assert state["gateway_status"] == 404

    # Turned on later: migrate adds the sandbox's tables and nothing else changes.
    on = {**off, "WAVIX_SANDBOX_ENABLED": "true"}
    manage(on, "migrate", "--noinput")
    after = report(on)
    assert after["installed"] is True
    assert "wavix_sandbox_sandboxaccount" in after["tables"]
    assert "didww_sandbox_sandboxtrunk" in after["tables"]
    assert "apidaze_sandbox_apidazeaccount" in after["tables"]
    assert set(after["tables"]) - set(state["tables"]) == sandbox_tables(after["tables"])
    assert after["status"] == 401  # the sandbox answers, and asks for its key
    assert after["didww_status"] == 401  # DIDWW's fake too, asking for the trunk's credentials
    assert "gateways_sandbox_gatewayaccount" in after["tables"]
    assert after["gateway_status"] == 401  # the BulkSMS fake asks for its credentials
