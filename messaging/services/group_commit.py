"""Group commit: the threads of one web process that store at the same moment share one
statement (and one round trip to the database, one commit) instead of one each.

A thread that finds nobody writing becomes the leader: it takes what is waiting (its own item
first, at most `max_batch`), writes it with `write_batch`, gives every waiting thread its
outcome and hands the lead to the first thread that arrived meanwhile. A thread that finds a
leader waits for its outcome, or to lead the next batch. Nothing waits on a timer: a lone
request is written at once, as before, and under load the batches grow by themselves with the
requests that arrive while the database answers the previous one. With one thread a process
(gunicorn's sync workers, Django's ASGI thread) every batch holds one item.

`write_batch(items)` returns one outcome per item, in order: a value, or the exception that
item's thread raises. An exception out of `write_batch` itself (the database unreachable) is
raised in every thread of the batch. The lead is handed on whatever happens, so no thread
waits for a leader that has left.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any


class _Waiter:
    __slots__ = ("item", "woken", "outcome", "failed", "leads")

    def __init__(self, item: Any):
        self.item = item
        # Held from the start: `wait` blocks on it until `wake` releases it (a one-shot
        # signal, cheaper than an Event's condition on every request).
        self.woken = threading.Lock()
        self.woken.acquire()
        self.outcome: Any = None
        self.failed: BaseException | None = None
        self.leads = False

    def wait(self) -> None:
        self.woken.acquire()

    def wake(self) -> None:
        self.woken.release()

    def result(self) -> Any:
        if self.failed is not None:
            raise self.failed
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class GroupCommit:
    def __init__(self, write_batch: Callable[[Sequence[Any]], Sequence[Any]], *, max_batch: int):
        self._write_batch = write_batch
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Waiter] = []
        self._leading = False

    @property
    def waiting(self) -> int:
        """How many items wait for the batch under way to end."""
        with self._lock:
            return len(self._waiting)

    def write_alone(self, item: Any) -> Any:
        """`item` written in a statement of its own, in this thread (inside the caller's
        transaction, say): its outcome, or its exception raised, as `submit` gives them."""
        waiter = _Waiter(item)
        (waiter.outcome,) = self._write_batch([item])
        return waiter.result()

    def submit(self, item: Any) -> Any:
        """`item` written (in a batch with whatever other threads submit meanwhile): its
        outcome, or its exception raised."""
        waiter = _Waiter(item)
        with self._lock:
            self._waiting.append(waiter)
            leads = not self._leading
            self._leading = True
        if not leads:
            waiter.wait()
            leads = waiter.leads
        if leads:
            self._lead()
        return waiter.result()

    def _lead(self) -> None:
        # The leader is the first of the waiting (nobody led when it came, or it was handed
        # the lead as the first to arrive): its own item is in the batch it takes.
        with self._lock:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
        try:
            outcomes = self._write_batch([w.item for w in batch])
            for waiter, outcome in zip(batch, outcomes, strict=True):
                waiter.outcome = outcome
        except BaseException as exc:
            for waiter in batch:
                waiter.failed = exc
            raise
        finally:
            with self._lock:
                successor = self._waiting[0] if self._waiting else None
                if successor is None:
                    self._leading = False
                else:
                    successor.leads = True
            for waiter in batch[1:]:
                waiter.wake()
            if successor is not None:
                successor.wake()
