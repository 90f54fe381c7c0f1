"""A real Celery worker, on the test run's broker (Redis) and database, runs a task, and the
change it makes is in the audit log under the task's name."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.models import AuditEntry
from tenants import services
from tenants.models import ApiToken
from tenants.tasks import revoke_expired_api_tokens

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db):
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{db['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.worker
def test_worker_revokes_expired_tokens_and_the_audit_log_names_the_task(world, worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the suite runs on Redis"
    token, _ = services.api_token_create(user=world.admin_a, tenant=world.a, name="old")
    fresh, _ = services.api_token_create(user=world.admin_a, tenant=world.a, name="fresh")
    ApiToken._base_manager.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    revoke_expired_api_tokens.delay()

    def revoked():
        return ApiToken._base_manager.get(pk=token.pk).revoked_at is not None

    if not wait_for(revoked):
        worker.terminate()
        pytest.fail("the worker did not run the task:\n" + worker.communicate(timeout=20)[0])
    assert ApiToken._base_manager.get(pk=fresh.pk).revoked_at is None
    with scopes_disabled():
        entry = AuditEntry.objects.filter(object_id=str(token.pk), action="update").latest("id")
    assert entry.source == "task"
    assert entry.actor_label == "task:tenants.tasks.revoke_expired_api_tokens"
    assert entry.tenant_id == world.a.pk and "revoked_at" in entry.changes
