from celery import shared_task

from tenants.services import api_tokens_revoke_expired


@shared_task(name="tenants.tasks.revoke_expired_api_tokens")
def revoke_expired_api_tokens() -> int:
    """Marks expired tokens revoked, so token lists and the audit log show when they ended."""
    return api_tokens_revoke_expired()
