"""The group commit the inbound intake stores with: threads that submit while a batch is being
written share the next batch; each gets its own outcome; an item's failure is its thread's
alone; a failed batch fails its own threads and the next batch is still written."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from messaging.services.group_commit import GroupCommit


def _until(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


class Recorder:
    """A write_batch that records its batches; the first one is held until `hold` items wait
    behind it, so the rest arrive as one batch."""

    def __init__(self, *, hold=0, fail=None):
        self.batches: list[list] = []
        self.hold = hold
        self.fail = fail or (lambda batch: None)
        self.group: GroupCommit | None = None
        self.entered = threading.Event()  # the first batch is being written

    def __call__(self, batch):
        if not self.batches and self.hold:
            self.entered.set()
            _until(lambda: self.group.waiting >= self.hold)
        self.batches.append(list(batch))
        if (exc := self.fail(batch)) is not None:
            raise exc
        return [ValueError(f"bad {item}") if item < 0 else item * 10 for item in batch]


def _group(recorder, max_batch=100):
    recorder.group = GroupCommit(recorder, max_batch=max_batch)
    return recorder.group


def _submit_all(recorder, group, items):
    """Submits the first item, then the others while its batch is held; each one's outcome
    (or exception), in the items' order."""

    def one(item):
        try:
            return group.submit(item)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(len(items)) as pool:
        first = pool.submit(one, items[0])
        assert recorder.entered.wait(5)
        rest = [pool.submit(one, item) for item in items[1:]]
        return [first.result(timeout=10)] + [f.result(timeout=10) for f in rest]


def test_a_lone_item_is_written_at_once_in_a_batch_of_its_own():
    recorder = Recorder()
    group = _group(recorder)
    assert group.submit(4) == 40
    assert group.submit(5) == 50
    assert recorder.batches == [[4], [5]]


def test_items_that_arrive_while_a_batch_is_written_share_the_next_one():
    recorder = Recorder(hold=7)
    group = _group(recorder)
    outcomes = _submit_all(recorder, group, list(range(1, 9)))
    assert outcomes == [n * 10 for n in range(1, 9)]  # each thread its own outcome
    assert recorder.batches[0] == [1]
    assert sorted(recorder.batches[1]) == list(range(2, 9))
    assert len(recorder.batches) == 2
    assert group.waiting == 0


def test_a_batch_holds_at_most_max_batch_items_and_the_rest_follow():
    recorder = Recorder(hold=9)
    group = _group(recorder, max_batch=4)
    outcomes = _submit_all(recorder, group, list(range(1, 11)))
    assert outcomes == [n * 10 for n in range(1, 11)]
    assert [len(b) for b in recorder.batches] == [1, 4, 4, 1]


def test_an_items_failure_is_raised_in_its_thread_only():
    recorder = Recorder(hold=3)
    group = _group(recorder)
    outcomes = _submit_all(recorder, group, [1, 2, -3, 4])
    assert outcomes[:2] == [10, 20] and outcomes[3] == 40
    assert isinstance(outcomes[2], ValueError) and str(outcomes[2]) == "bad -3"


def test_a_failed_batch_fails_its_threads_and_the_next_batch_is_still_written():
    failing = threading.Event()
    failing.set()

    def fail(batch):
        if failing.is_set() and len(batch) > 1:
            failing.clear()
            return ConnectionError("the database went away")
        return None

    recorder = Recorder(hold=3, fail=fail)
    group = _group(recorder)
    outcomes = _submit_all(recorder, group, [1, 2, 3, 4])
    assert outcomes[0] == 10
    assert all(isinstance(o, ConnectionError) for o in outcomes[1:])
    # Nobody is left leading: the next submit is written at once.
    assert group.submit(5) == 50
    assert recorder.batches[-1] == [5]


def test_many_threads_each_get_their_own_outcome():
    recorder = Recorder()
    group = _group(recorder, max_batch=16)
    with ThreadPoolExecutor(32) as pool:
        outcomes = list(pool.map(group.submit, range(2000)))
    assert outcomes == [n * 10 for n in range(2000)]
    written = sorted(item for batch in recorder.batches for item in batch)
    assert written == list(range(2000))  # each once
    assert max(len(b) for b in recorder.batches) <= 16


def test_a_lone_leaders_failure_is_raised_and_the_lead_is_free_again():
    calls = []
    recorder = Recorder(
        fail=lambda batch: RuntimeError("boom") if not calls.append(1) and len(calls) == 1 else None
    )
    group = _group(recorder)
    with pytest.raises(RuntimeError, match="boom"):
        group.submit(1)
    assert group.submit(2) == 20
