"""The shared sending rate: a configured rate holds whether the slots are taken by one
process or several, on Redis (`limits`) and on the database slot (no Redis); fractional rates
work; above the rate the caller is told how long to wait."""

import multiprocessing
import time
import uuid

import pytest

from messaging import rate


def take_for(limiter, key: str, per_second: float, seconds: float) -> int:
    taken, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait = limiter.slot_wait(key, per_second)
        if wait:
            time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
        else:
            taken += 1
    return taken


@pytest.mark.parametrize(
    ("per_second", "window"),
    [(5, (5, 1)), (50, (50, 1)), (2.5, (5, 2)), (0.5, (1, 2)), (0.25, (1, 4)), (0.01, (1, 100))],
)
def test_a_rate_becomes_whole_sends_per_short_window(per_second, window):
    assert rate.window(per_second) == window


def test_above_the_rate_the_caller_is_told_how_long_to_wait_on_redis(settings):
    limiter = rate.RedisLimiter(settings.REDIS_URL)
    key = f"test:{uuid.uuid4().hex}"
    assert limiter.slot_wait(key, 0.5) == 0.0
    wait = limiter.slot_wait(key, 0.5)
    assert 1.5 < wait <= 2.0  # one message every two seconds


def test_the_database_slot_holds_a_fractional_rate(db):
    limiter = rate.DatabaseLimiter()
    key = f"test:{uuid.uuid4().hex}"
    assert limiter.slot_wait(key, 0.5) == 0.0
    # An idle channel's first two sends are half an interval apart (1 s), then 2 s each.
    wait = limiter.slot_wait(key, 0.5)
    assert 0.9 < wait <= 1.0
    time.sleep(wait)
    assert limiter.slot_wait(key, 0.5) == 0.0
    assert 1.9 < limiter.slot_wait(key, 0.5) <= 2.0


def test_the_database_slot_holds_the_rate_over_two_seconds(db):
    taken = take_for(rate.DatabaseLimiter(), f"test:{uuid.uuid4().hex}", 20, 2.0)
    assert 38 <= taken <= 42


def _worker(url: str, key: str, per_second: float, ready, seconds: float, out):
    limiter = rate.RedisLimiter(url)
    ready.wait()  # both processes start at the same moment, however long each took to start
    out.put(take_for(limiter, key, per_second, seconds))


def test_two_processes_share_the_redis_rate(settings):
    key = f"test:{uuid.uuid4().hex}"
    out = multiprocessing.get_context("spawn").Queue()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(2)
    workers = [
        ctx.Process(target=_worker, args=(settings.REDIS_URL, key, 20, ready, 3.0, out))
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    counts = [out.get(timeout=30) for _ in workers]
    for w in workers:
        w.join(timeout=10)
    # 20/s for 3 s, shared: 60 (a window's edge may let one more in), not 120.
    assert 58 <= sum(counts) <= 62, counts
    assert all(c > 10 for c in counts)  # both processes sent


def test_without_redis_the_database_slot_and_kick_marker_are_used(db, settings):
    from messaging.services.markers import mark, unmark

    settings.REDIS_URL = ""
    assert isinstance(rate.limiter(), rate.DatabaseLimiter)
    key = f"messaging:kick:now:test-{uuid.uuid4().hex}"
    assert mark(key, 30) is True
    assert mark(key, 30) is False  # a kick is waiting: no second one
    unmark(key)
    assert mark(key, 30) is True
