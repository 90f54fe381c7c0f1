"""Typed errors of the Wavix client, one per thing a caller reacts to differently.

Every error carries Wavix's own message (`.message`), the HTTP status (`.status`, None when no
response came back) and the request's method and path. The path never includes the query
string, so an API key sent as `?appid=` cannot end up in an exception or a traceback.
"""

from __future__ import annotations


class WavixError(Exception):
    """Base class: a Wavix call failed."""

    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        # Seconds from Wavix's Retry-After header (429, and 503 may send one too).
        self.retry_after = retry_after
        super().__init__(message)

    def __str__(self) -> str:
        where = f"{self.method} {self.path}".strip() or "request"
        status = f" returned {self.status}" if self.status is not None else " failed"
        text = f"Wavix {where}{status}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, method={self.method!r}, "
            f"path={self.path!r}, message={self.message!r})"
        )


class WavixAuthError(WavixError):
    """401: Wavix did not accept the key. Its message is only "Unauthorized", so the hint
    names the three causes an administrator can act on."""

    hint = (
        "the API key is wrong or disabled, or this server's IP address is not on the key's "
        "allow-list"
    )


class WavixKeyUnreadable(WavixError):
    """No call was made: the account's stored API key cannot be decrypted (the portal's
    encryption keys changed). Not transient: an administrator must enter the key again."""

    hint = "edit the Wavix account and enter its API key again"


class WavixNotProvisioned(WavixError):
    """403: the service (SMS, E911, a scope of a restricted key...) is not enabled for the
    account."""


class WavixNotFound(WavixError):
    """404: no such object on the account."""


class WavixValidationError(WavixError):
    """400/422: Wavix refused the input; `.message` says which parameter and why."""


class WavixRateLimited(WavixError):
    """429: too many requests, none of it done. `.retry_after` is Wavix's Retry-After in
    seconds, if given."""


class WavixServerError(WavixError):
    """5xx: Wavix failed; the request may or may not have taken effect."""


class WavixNetworkError(WavixError):
    """No HTTP answer (connection refused or reset, DNS, timeout).

    `outcome_unknown` is True when the request may have reached Wavix (for example a read
    timeout after the request was sent), so a write may have taken effect; False when it
    certainly did not leave this server (the connection was never established).
    """

    def __init__(self, message: str, *, outcome_unknown: bool, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.outcome_unknown = outcome_unknown

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} (outcome unknown)" if self.outcome_unknown else text


__all__ = [
    "WavixAuthError",
    "WavixError",
    "WavixNetworkError",
    "WavixNotFound",
    "WavixNotProvisioned",
    "WavixRateLimited",
    "WavixServerError",
    "WavixValidationError",
]
