"""What uses a number, so a pool edit cannot pull a number from under it.

Apps that reference numbers (trunk caller IDs, sender IDs, E911 records, routing rules)
register a checker: given a tenant and the numbers about to leave its pool, it returns one
`Use` per number it needs. The pool service refuses the edit and lists them.

Returning numbers to Wavix asks too, with the owning tenant for pooled numbers and with
`tenant=None` for numbers in no pool (a checker then looks across tenants, or returns []).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .ranges import Pool


@dataclass(frozen=True)
class Use:
    number: int
    what: str  # e.g. "caller ID of trunk “Main”"


Checker = Callable[[object, Pool], list[Use]]
_checkers: list[Checker] = []


def register(checker: Checker) -> Checker:
    if checker not in _checkers:
        _checkers.append(checker)
    return checker


def unregister(checker: Checker) -> None:
    if checker in _checkers:
        _checkers.remove(checker)


def uses_of(tenant, numbers: Pool) -> list[Use]:
    if not numbers:
        return []
    found = [use for checker in _checkers for use in checker(tenant, numbers)]
    return sorted(found, key=lambda u: (u.number, u.what))
