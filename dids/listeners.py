"""What other apps hear of the numbers app's changes, after the commit: numbers that entered
and left tenants' pools, numbers that became SMS-enabled, an account's inventory synced.

`dids` may not import the apps that care (messaging points a number's inbound address at its
intake), so they register here, in their `AppConfig.ready`, as with `dids.usage`. A listener
runs after the change commits; one that fails is logged and does not undo the change or keep
the others from hearing it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from .ranges import Pool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NumbersChanged:
    """`entered` and `left` tenants' pools; `sms_enabled`: numbers (of `account_id`, when
    known) that became SMS-enabled; `synced_account_id`: an account whose sync finished."""

    entered: Pool = field(default_factory=Pool)
    left: Pool = field(default_factory=Pool)
    sms_enabled: tuple[int, ...] = ()
    synced_account_id: int | None = None


Listener = Callable[[NumbersChanged], None]
_listeners: list[Listener] = []


def register(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def unregister(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _tell(change: NumbersChanged) -> None:
    for listener in list(_listeners):
        try:
            listener(change)
        except Exception:
            log.exception("numbers listener %s failed", getattr(listener, "__name__", listener))


def announce(change: NumbersChanged) -> None:
    """Tells the listeners when the current transaction commits (at once outside one)."""
    if change.entered or change.left or change.sms_enabled or change.synced_account_id:
        transaction.on_commit(lambda: _tell(change))
