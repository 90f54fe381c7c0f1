"""The channel's sending rate, shared by every worker and every process.

One interface: `slot_wait(key, rate)` takes a sending slot of `key` (a channel) at `rate`
messages per second and answers 0.0, or, when the rate is used up, the seconds until the next
slot is free (nothing is taken then: the caller waits and asks again, so above the rate
messages wait in the queue and none is dropped). Rates may be fractional (0.5/s is one
message every two seconds).

With Redis (`REDIS_URL` set, as in production and the tests) the limiter is the `limits`
library's moving window over Redis storage: every send of the channel, from any worker
process on any machine, is one entry of the channel's window, counted by one Lua script on
the Redis server, so the rate holds across all of them. A rate becomes `amount` sends per
`seconds` window with the window as short as the rate allows (5/s: 5 per second; 2.5/s: 5
per 2 s; 0.5/s: 1 per 2 s), so a burst can never exceed one window's worth.

Without Redis (`make run`'s zero-set-up configuration: SQLite, the file broker and
`celery worker --concurrency=2`, two processes) the slot is a database row per channel
(`messaging.models.RateSlot`), a GCRA ("generic cell rate algorithm"): the row holds the
theoretical time of the next free slot, `next_at`, and taking a slot is one conditional
UPDATE, `next_at = max(next_at, now - interval/2) + interval WHERE next_at <= now`. The
UPDATE is atomic in the database (SQLite serialises writers; PostgreSQL locks the row for the
statement only), so the two processes share one schedule and can never both take the same
slot. `now - interval/2` lets a sender that came back a little late (a sleep overshooting, a
slow query) catch up, so the average rate holds, while an idle channel saves up no burst: its
first two sends are at least half an interval apart, every later pair one interval.
"""

from __future__ import annotations

import time
from fractions import Fraction
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

# The models are imported where used: a process that only takes Redis slots (a benchmark's
# helper) needs no Django set-up.


KEY_PREFIX = "messaging:rate"
MIN_RATE = 0.01  # below this a channel would send less than once in 100 seconds


def window(rate: float) -> tuple[int, int]:
    """(amount, seconds): the rate as whole sends per whole-second window, the window as
    short as possible (at most 10 s for rates of 0.1/s and above)."""
    rate = max(float(rate), MIN_RATE)
    if rate < 0.1:
        return 1, round(1 / rate)
    fraction = Fraction(rate).limit_denominator(10)
    if fraction.numerator == 0:
        return 1, round(1 / rate)
    return fraction.numerator, fraction.denominator


class RedisLimiter:
    """The `limits` moving window on Redis, keyed by channel."""

    def __init__(self, url: str) -> None:
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self.storage = storage_from_string(url)
        self.limiter = MovingWindowRateLimiter(self.storage)

    def slot_wait(self, key: str, rate: float) -> float:
        from limits import RateLimitItemPerSecond

        amount, seconds = window(rate)
        item = RateLimitItemPerSecond(amount, seconds)
        if self.limiter.hit(item, KEY_PREFIX, key):
            return 0.0
        reset_at, _ = self.limiter.get_window_stats(item, KEY_PREFIX, key)
        return max(0.001, min(float(seconds), reset_at - time.time()))

    def reset(self, key: str, rate: float) -> None:
        from limits import RateLimitItemPerSecond

        self.limiter.clear(RateLimitItemPerSecond(*window(rate)), KEY_PREFIX, key)


class DatabaseLimiter:
    """The GCRA on `RateSlot` rows (see the module's docstring)."""

    def slot_wait(self, key: str, rate: float) -> float:
        from .models import RateSlot

        amount, seconds = window(rate)
        interval = seconds / amount
        now = time.time()
        taken = RateSlot.objects.filter(key=key, next_at__lte=now).update(
            next_at=Greatest(F("next_at"), Value(now - interval / 2)) + Value(interval)
        )
        if taken:
            return 0.0
        next_at = RateSlot.objects.filter(key=key).values_list("next_at", flat=True).first()
        if next_at is None:
            self._create(key)
            return self.slot_wait(key, rate)
        return max(0.001, min(interval, next_at - now))

    @staticmethod
    def _create(key: str) -> None:
        from .models import RateSlot

        try:
            with transaction.atomic():
                RateSlot.objects.create(key=key, next_at=0.0)
        except IntegrityError:
            pass  # made by the other process meanwhile

    def reset(self, key: str, rate: float) -> None:
        from .models import RateSlot

        RateSlot.objects.filter(key=key).delete()


@cache
def _limiter_for(url: str) -> RedisLimiter | DatabaseLimiter:
    return RedisLimiter(url) if url else DatabaseLimiter()


def limiter() -> RedisLimiter | DatabaseLimiter:
    """Redis when `REDIS_URL` is set, else the database."""
    return _limiter_for(settings.REDIS_URL or "")


def channel_key(channel_id: int) -> str:
    return f"channel:{channel_id}"


def slot_wait(channel_id: int, rate: float) -> float:
    """Takes a sending slot of the channel: 0.0, or the seconds to wait before asking again."""
    return limiter().slot_wait(channel_key(channel_id), float(rate))
