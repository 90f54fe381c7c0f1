"""What tenant users are told when a call to Wavix fails: a plain sentence saying what
failed, whether the portal tries again by itself and what they can do. The technical text
(`str(exc)`: the operation, the status, Wavix's message) is for system administrators and
the logs, kept beside it (e.g. `E911Job.error_detail`)."""

from __future__ import annotations

from django.utils import timezone

from .errors import (
    WavixAuthError,
    WavixError,
    WavixKeyUnreadable,
    WavixNetworkError,
    WavixNotFound,
    WavixNotProvisioned,
    WavixRateLimited,
    WavixServerError,
    WavixValidationError,
)
from .retry import Retry, is_transient

SUPPORT = "if it keeps failing, contact support"
# The portal's own access to Wavix is wrong: nothing a tenant user can fix.
_SETUP = (WavixAuthError, WavixNotProvisioned, WavixKeyUnreadable)


def cause(exc: WavixError) -> str:
    """What went wrong, as a user would say it (no period)."""
    if isinstance(exc, WavixNetworkError):
        return "Wavix did not answer in time"
    if isinstance(exc, WavixRateLimited):
        return "Wavix was too busy to answer"
    if isinstance(exc, WavixServerError):
        return "Wavix had a problem on its side"
    if isinstance(exc, _SETUP):
        return "The portal's access to Wavix is not set up for this (a problem on our side)"
    if isinstance(exc, WavixNotFound):
        return "Wavix does not know this number"
    if isinstance(exc, WavixValidationError):
        return "Wavix refused it"
    return "The request to Wavix failed"


def advice(exc: WavixError) -> str:
    """What the user can do about a failure that is final (one sentence)."""
    if is_transient(exc):
        return f"Try again later; {SUPPORT}."
    if isinstance(exc, _SETUP):
        return "Contact support: the portal's connection to Wavix needs fixing."
    return f"Check the details and try again; {SUPPORT}."


def retrying(exc: WavixError, retry: Retry) -> str:
    at = timezone.localtime(retry.at).strftime("%H:%M:%S")
    return (
        f"{cause(exc)}. The portal tries again by itself at {at} (attempt {retry.attempt} of "
        f"{retry.attempts}); there is nothing to do meanwhile."
    )


__all__ = ["advice", "cause", "retrying"]
