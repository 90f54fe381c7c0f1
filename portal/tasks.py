from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.jobs.runner import sweep_all
from portal.models import AuditEntry


@shared_task(name="portal.tasks.purge_old_audit_entries")
def purge_old_audit_entries() -> int:
    """Keeps the audit log to AUDIT_RETENTION_DAYS (a global job: it opts out of the scope)."""
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with scopes_disabled():
        deleted, _ = AuditEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted


@shared_task(name="portal.tasks.sweep_lost_jobs")
def sweep_lost_jobs() -> int:
    """Takes up background jobs whose worker was lost (their lease passed while running):
    each goes on as a retry, or fails saying so (`portal.jobs.runner`)."""
    return sweep_all()
