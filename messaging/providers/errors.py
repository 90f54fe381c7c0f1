"""What can go wrong when a provider is called, as the outbox needs to know it."""

from __future__ import annotations


class ProviderError(Exception):
    """A call to a provider failed. `transient`: it may work later (no answer, 429, 5xx);
    otherwise the provider refused and `message` is its reason. `outcome_unknown`: the
    request left and no answer came, so the provider may have taken it."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        outcome_unknown: bool = False,
        status_code: int | None = None,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.outcome_unknown = outcome_unknown
        self.status_code = status_code
        self.retry_after = retry_after
        self.detail = detail


class BadPayload(ValueError):
    """A webhook body that is not what the provider sends: `field` and the rule it broke."""

    def __init__(self, field: str, rule: str, value: object = None) -> None:
        shown = "" if value is None else f" (got {str(value)[:80]!r})"
        super().__init__(f"{field}: {rule}{shown}")
        self.field, self.rule, self.value = field, rule, value
