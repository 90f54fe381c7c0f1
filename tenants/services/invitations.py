"""Invitations: how people join a tenant.

A tenant admin invites an e-mail address with a role. The answer is the same whether the
address has an account or not, so inviting reveals nothing about other tenants' users. The mail
goes through Django's e-mail settings, sent by a task: the invitation row is the outbox (the
task locks it and checks its state, so a mail is never sent twice, and no transaction is held
while the mail server answers). The link sets a password for a new person, or lets an existing
account accept (or decline) the membership once logged in as that address.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.validation import full_clean

from ..models import Invitation, Membership, Role, Tenant, User, hash_token, normalize_email
from ..passwords import check_length as check_password_length
from .members import membership_set
from .users import user_create

TOKEN_MAX_LENGTH = 64  # a link's secret is 43 characters; anything longer is not one of ours


def _issue_token(invitation: Invitation) -> None:
    raw = secrets.token_urlsafe(32)
    invitation.token = raw
    invitation.token_hash = hash_token(raw)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    invitation.mail_status = Invitation.Mail.QUEUED
    invitation.mail_error = ""


def _enqueue_mail(invitation: Invitation) -> None:
    from ..tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation.pk))


@transaction.atomic
def invitation_create(
    *, acting_user: User, tenant: Tenant, email: str, role: str = Role.AGENT
) -> Invitation:
    """Invites `email` to `tenant`. Inviting an address that already has an open invitation
    there sends it again with a fresh link and expiry."""
    if role not in Role.values:
        raise ValidationError(
            {"role": f"“{role}” is not a role; use one of {', '.join(Role.values)}."}
        )
    if not acting_user.is_system_admin and role != Role.AGENT:
        raise PermissionDenied("Tenant admins invite agents only.")
    email = normalize_email(email)
    with scopes_disabled():
        if Membership.objects.filter(tenant=tenant, user__email=email).exists():
            raise ValidationError({"email": f"“{email}” is already a member of {tenant.name}."})
        invitation = (
            Invitation.objects.select_for_update()
            .filter(
                tenant=tenant,
                email=email,
                accepted_at__isnull=True,
                declined_at__isnull=True,
                revoked_at__isnull=True,
            )
            .first()
        )
    if invitation is None:
        invitation = Invitation(tenant=tenant, email=email)
    invitation.role = role
    invitation.invited_by = acting_user
    _issue_token(invitation)
    full_clean(invitation, validate_unique=False, exclude=["token_hash", "token"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:  # the same address invited at the same moment by another
        raise ValidationError(
            {"email": f"“{email}” was invited just now; see the invitations list."}
        ) from exc
    _enqueue_mail(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working) and a new expiry, mailed again."""
    with scopes_disabled():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(
            f"The invitation of {invitation.email} is {invitation.state_label.lower()}; "
            "invite them again instead."
        )
    _issue_token(invitation)
    invitation.save()
    _enqueue_mail(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    with scopes_disabled():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(
            f"The invitation of {invitation.email} is already {invitation.state_label.lower()}."
        )
    invitation.revoked_at = timezone.now()
    invitation.token = ""
    invitation.save()
    return invitation


# The mail ------------------------------------------------------------------------------------


def invitation_link(raw_token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("invitation_respond", args=[raw_token])


def invitation_deliver(*, invitation_id: int) -> str:
    """Sends the invitation's mail once: claims it in a short transaction, sends with no
    transaction open, records the outcome in another. Returns the mail state."""
    with transaction.atomic(), scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("tenant", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.mail_status != Invitation.Mail.QUEUED:
            return invitation.mail_status if invitation else "gone"
        if not invitation.is_pending or not invitation.token:
            return invitation.mail_status
        has_account = User.objects.filter(email=invitation.email).exists()
        message = _message(invitation, has_account=has_account)
        token_hash = invitation.token_hash
        invitation.mail_status = Invitation.Mail.SENDING
        invitation.save(update_fields=["mail_status"])
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and shown
        outcome = {
            "mail_status": Invitation.Mail.FAILED,
            "mail_error": f"{type(exc).__name__}: {exc}"[:500],
        }
    else:
        outcome = {"mail_status": Invitation.Mail.SENT, "mail_error": "", "token": ""}
    with transaction.atomic(), scopes_disabled():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if invitation.token_hash != token_hash:
            return invitation.mail_status  # resent meanwhile: that mail is its own
        for name, value in outcome.items():
            setattr(invitation, name, value)
        if outcome["mail_status"] == Invitation.Mail.SENT:
            invitation.sent_at = timezone.now()
            invitation.send_count += 1
        invitation.save()
    return outcome["mail_status"]


def _message(invitation: Invitation, *, has_account: bool) -> EmailMessage:
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        "link": invitation_link(invitation.token),
        "has_account": has_account,
    }
    subject = f"You are invited to {invitation.tenant.name} on the telecom portal"
    body = render_to_string("tenants/mail/invitation.txt", context)
    return EmailMessage(subject=subject, body=body, to=[invitation.email])


# Answering an invitation ---------------------------------------------------------------------


def invitation_by_token(raw: str) -> Invitation | None:
    if not raw or len(raw) > TOKEN_MAX_LENGTH:
        return None
    with scopes_disabled():
        return (
            Invitation.objects.select_related("tenant", "invited_by")
            .filter(token_hash=hash_token(raw))
            .first()
        )


def pending_invitations_for(user: User) -> list[Invitation]:
    """The invitations waiting for this account (its address), newest first."""
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        candidates = Invitation.objects.select_related("tenant", "invited_by").filter(
            email=user.email,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            tenant__status=Tenant.Status.ACTIVE,
        )
        return list(candidates)


def _lock_pending(invitation: Invitation) -> Invitation:
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("tenant")
            .get(pk=invitation.pk)
        )
    if not invitation.is_pending:
        raise ValidationError(
            f"This invitation is {invitation.state_label.lower()}; ask {invitation.tenant.name}'s "
            "tenant admin for a new one."
        )
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:

    with scopes_disabled():
        membership = Membership.objects.filter(tenant=invitation.tenant, user=user).first()
    if membership is None:
        membership = membership_set(tenant=invitation.tenant, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.token = ""
    invitation.save()
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """An existing account, logged in as the invited address, accepts."""
    invitation = _lock_pending(invitation)
    if normalize_email(user.email) != invitation.email:
        raise PermissionDenied("This invitation is for another e-mail address.")
    return _join(invitation, user)


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User) -> Invitation:
    invitation = _lock_pending(invitation)
    if normalize_email(user.email) != invitation.email:
        raise PermissionDenied("This invitation is for another e-mail address.")
    invitation.declined_at = timezone.now()
    invitation.token = ""
    invitation.save()
    return invitation


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: Invitation, full_name: str, password: str
) -> Membership:
    """A new person sets their password through the link: the account is created for the
    invited address (the mail proved they read it) and joins the tenant."""

    invitation = _lock_pending(invitation)
    check_password_length(password)
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError(
            "An account with this address exists now; log in to accept the invitation."
        )
    user = user_create(email=invitation.email, password=password, full_name=full_name)
    return _join(invitation, user)
