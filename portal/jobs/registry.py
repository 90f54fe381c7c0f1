"""Which runner answers for which job model: filled as runners are defined (imports nothing,
so the model and the runner both read it without importing each other)."""

from __future__ import annotations

from typing import Any

_runners: dict[type, Any] = {}


def register(model: type, runner: Any) -> None:
    # The first runner of a model answers for it (its sweep, its attempts); a model run by
    # several (one per phase) gives them the same retry policy.
    _runners.setdefault(model, runner)


def runner_for(model: type) -> Any | None:
    return _runners.get(model)


def registered_runners() -> list[Any]:
    return list(_runners.values())
