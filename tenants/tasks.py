from celery import shared_task

from tenants.services import api_tokens_revoke_expired


@shared_task(name="tenants.tasks.revoke_expired_api_tokens")
def revoke_expired_api_tokens() -> int:
    """Marks expired tokens revoked, so token lists and the audit log show when they ended."""
    return api_tokens_revoke_expired()


@shared_task(name="tenants.tasks.send_invitation")
def send_invitation(invitation_id: int) -> str:
    """Mails an invitation once (the row is the outbox; see tenants.services.invitations)."""
    from tenants.services.invitations import invitation_deliver

    return invitation_deliver(invitation_id=invitation_id)
