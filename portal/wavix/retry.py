"""Retrying a job after a transient failure: the one policy every job shares (the Wavix jobs,
and the tenant webhooks and e-mails with their own figures).

The client already repeats a failed call a few times within a second or two (see
`client.py`). When Wavix is still failing after that, the task gives up for now and is queued
again later: after `base` seconds, then `factor` times longer each time (at most `cap`), with
jitter so tasks that failed together do not come back together, and never sooner than Wavix's
Retry-After. Only transient errors are retried (no answer, 429, 5xx); a refusal (400/422, 401,
403, 404) is final at once. After `attempts` attempts in all the work fails with Wavix's
reason.

`after()` is the schedule alone, for work whose failures are not Wavix's (a tenant's endpoint,
the mail server): the caller has judged the failure worth retrying; `attempts` 0 means no
limit but the `deadline` (a tenant webhook is retried for 24 hours).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .errors import WavixError, WavixNetworkError, WavixRateLimited, WavixServerError

TRANSIENT = (WavixNetworkError, WavixServerError, WavixRateLimited)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT)


@dataclass(frozen=True)
class Retry:
    """The next attempt: its number (1-based), how long until it and when it is due."""

    attempt: int
    attempts: int
    delay: int
    at: datetime

    def note(self, exc: WavixError) -> str:
        """The state shown while waiting, e.g. "Retrying, attempt 2 of 5, next at 14:03:12
        (attempt 1 failed: Wavix POST /v1/trunks returned 503: ...)"."""
        at = timezone.localtime(self.at).strftime("%H:%M:%S")
        return (
            f"Retrying, attempt {self.attempt} of {self.attempts}, next at {at} "
            f"(attempt {self.attempt - 1} failed: {exc})."
        )


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # in all, the first included
    base: float = 10.0  # seconds before the second attempt
    factor: float = 3.0
    cap: float = 600.0
    jitter: float = 0.25  # the delay varies by up to this share, either way

    def backoff(self, failed: int) -> float:
        """Seconds before the attempt after attempt `failed` (1-based), before jitter."""
        return min(self.cap, self.base * self.factor ** (failed - 1))

    def next(self, exc: WavixError, failed: int) -> Retry | None:
        """The retry after attempt `failed` (1-based) failed with `exc`, or None when the
        error is final: a refusal, or the last attempt."""
        if not is_transient(exc):
            return None
        return self.after(failed, retry_after=exc.retry_after)

    def after(
        self, failed: int, *, retry_after: float | None = None, deadline: datetime | None = None
    ) -> Retry | None:
        """The retry after attempt `failed` (1-based) failed, or None when none is left: that
        was the last attempt, or the next would come after `deadline`."""
        if self.attempts and failed >= self.attempts:
            return None
        spread = random.uniform(1 - self.jitter, 1 + self.jitter)  # noqa: S311 - not security
        delay = max(1, math.ceil(max(self.backoff(failed) * spread, retry_after or 0)))
        at = timezone.now() + timedelta(seconds=delay)
        if deadline is not None and at > deadline:
            return None
        return Retry(attempt=failed + 1, attempts=self.attempts, delay=delay, at=at)

    def final_note(self, exc: WavixError, failed: int) -> str:
        """Wavix's reason for the failure that ends the work."""
        if is_transient(exc) and failed > 1:
            return f"{exc} (after {failed} attempts)"
        return str(exc)


WAVIX_TASKS = RetryPolicy()
