"""The rule every outside call keeps: no database transaction (so no row lock) is open while
the portal waits for a provider.

A transaction held across a network call holds its locks for as long as the provider takes to
answer. On PostgreSQL that blocks every writer of those rows for seconds; on SQLite (the
zero-set-up default, in IMMEDIATE mode) it holds the whole database's write lock, and the Wavix
sandbox answering the call from the same database waits for it until the call times out. So
work that calls a provider claims its rows in one short transaction, calls outside any, and
records the outcome in another (see `dids/tasks.py`, `trunks/services/sync.py`).

`check_no_transaction()` is called by the Wavix client before every request, and raises
`TransactionHeldError` (a programming error, never shown to users) when the rule is broken.
A test runs inside transactions of Django's test case (marked `_from_testcase`, which Django
itself uses to tell them apart for `durable` blocks): those are the baseline, so in the test
suite only a transaction the code under test opened counts, as in production.
"""

from __future__ import annotations

from django.db import connections


class TransactionHeldError(RuntimeError):
    """An outside call was about to be made inside a database transaction."""


def open_transactions() -> int:
    """Atomic blocks open on this thread's database connections, the test case's aside."""
    return sum(
        not getattr(block, "_from_testcase", False)
        for connection in connections.all(initialized_only=True)
        for block in connection.atomic_blocks
    )


def check_no_transaction(what: str) -> None:
    """Raises TransactionHeldError if a transaction is open on this thread. `what` names the
    call, e.g. "Wavix POST /v1/e911-records"."""
    depth = open_transactions()
    if depth:
        raise TransactionHeldError(
            f"{what} was called inside a database transaction ({depth} atomic block(s) "
            "open): a transaction must not be held across a call to a provider. Claim the "
            "work in a short transaction, call the provider outside it, and record the "
            "outcome in another."
        )


__all__ = ["TransactionHeldError", "check_no_transaction", "open_transactions"]
