"""Writes for what every app shares: Wavix accounts."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from portal.models import WavixAccount
from portal.validation import full_clean

TEST_TIMEOUT_SECONDS = 5.0

# An app whose rows keep a Wavix account in use registers a checker (from its AppConfig.ready):
# it returns why the account may not be deleted, or "". The base knows no app's rows; those
# that reference the account with PROTECT are refused by the database in any case.
AccountChecker = Callable[[WavixAccount], str]
_account_checkers: list[AccountChecker] = []


def register_account_checker(checker: AccountChecker) -> None:
    if checker not in _account_checkers:
        _account_checkers.append(checker)


@transaction.atomic
def wavix_account_save(
    *,
    account: WavixAccount | None = None,
    name: str,
    base_url: str,
    auth_mode: str,
    api_key: str = "",
    is_default: bool = False,
) -> WavixAccount:
    """Creates or edits an account. An empty `api_key` on edit keeps the stored key. The first
    account is the default; making one the default unmakes the others."""
    if account is None:
        if not api_key.strip():
            raise ValidationError({"api_key": "Enter the account's API key."})
        account = WavixAccount()
    else:
        account = WavixAccount.objects.select_for_update().get(pk=account.pk)
        if account.api_key_unreadable and not api_key.strip():
            raise ValidationError(
                {
                    "api_key": "The stored API key cannot be read (the portal's encryption "
                    "keys changed): enter the key again."
                }
            )
    account.name, account.base_url, account.auth_mode = name.strip(), base_url.strip(), auth_mode
    if api_key.strip():
        account.api_key = api_key.strip()
    first = not WavixAccount.objects.exclude(pk=account.pk).exists()
    account.is_default = is_default or first
    if account.is_default:
        for other in WavixAccount.objects.filter(is_default=True).exclude(pk=account.pk):
            other.is_default = False
            other.save()
    full_clean(account)
    account.save()
    return account


@transaction.atomic
def wavix_account_delete(*, account: WavixAccount) -> None:
    for checker in _account_checkers:
        reason = checker(account)
        if reason:
            raise ValidationError(reason)
    try:
        account.delete()
    except ProtectedError as exc:
        used_by = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise ValidationError(
            f"“{account}” is still used by its {', '.join(used_by)}; delete or move them first."
        ) from None


def wavix_account_test(*, account: WavixAccount) -> tuple[bool, str, dict]:
    """Calls Wavix's profile with a tight timeout: (ok, message, profile). Records the outcome
    on the account. The one call a view may wait for."""
    from portal.wavix.client import WavixClient
    from portal.wavix.errors import WavixError

    client = WavixClient.for_account(account, timeout=TEST_TIMEOUT_SECONDS, max_retries=0)
    try:
        profile = client.get_profile()
    except WavixError as exc:
        ok, message, profile = False, str(exc), {}
    else:
        ok = True
        who = profile.get("company_name") or profile.get("email") or profile.get("first_name")
        message = f"Connected{f' as {who}' if who else ''}."
    WavixAccount.objects.filter(pk=account.pk).update(
        last_checked_at=timezone.now(), last_check_ok=ok, last_check_message=message[:255]
    )
    return ok, message, profile
