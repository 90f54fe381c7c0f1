"""Fault injection: per account, settable from tests, benchmarks and the operator endpoint.

Each request draws one number in [0, 1) and the rates partition it: first a timeout (the
request hangs, then is processed anyway, as a real timeout leaves the outcome unknown to the
client: the request is applied first, and then its answer is held back until the client
has given up), then a 429 with Retry-After, then a 5xx. Latency is added to every request. With a
seed, the draws are random.Random(f"{seed}:{n}") for the account's n-th request since the
faults were set, so a run can be repeated exactly.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import transaction

from .models import SandboxAccount, SandboxFaults
from .params import Invalid

# The transport puts the client's read timeout here, so a simulated hang can stop as soon as
# the client would have given up instead of holding a test for the full hang.
CLIENT_TIMEOUT_KEY = "wavix_sandbox.client_timeout"


FIELDS = (
    "error_rate",
    "error_status",
    "rate_limit_rate",
    "retry_after",
    "latency_ms",
    "timeout_rate",
    "timeout_seconds",
    "seed",
    "path_prefix",
    "methods",
)


@dataclass(frozen=True)
class Outcome:
    status: int = 0
    retry_after: int = 0
    hang: float = 0.0  # seconds to hold the answer back after applying the request


def faults_of(account: SandboxAccount) -> SandboxFaults:
    faults, _ = SandboxFaults.objects.get_or_create(account=account)
    return faults


def faults_set(
    *,
    account: SandboxAccount,
    error_rate: float = 0.0,
    error_status: int = 503,
    rate_limit_rate: float = 0.0,
    retry_after: int = 1,
    latency_ms: int = 0,
    timeout_rate: float = 0.0,
    timeout_seconds: float = 30.0,
    seed: int | None = None,
    path_prefix: str = "",
    methods: str = "",
) -> SandboxFaults:
    """Replaces the account's fault settings; what is not given is off."""
    rates = {
        "error_rate": error_rate,
        "rate_limit_rate": rate_limit_rate,
        "timeout_rate": timeout_rate,
    }
    for name, rate in rates.items():
        if not 0 <= rate <= 1:
            raise Invalid(name, "must be between 0 and 1", rate)
    if sum(rates.values()) > 1:
        raise Invalid("error_rate", "error, rate-limit and timeout rates must add up to <= 1")
    if not 500 <= error_status <= 599:
        raise Invalid("error_status", "must be a 5xx status", error_status)
    if timeout_seconds <= 0:
        raise Invalid("timeout_seconds", "must be > 0", timeout_seconds)
    faults = faults_of(account)
    for field, value in {
        **rates,
        "error_status": error_status,
        "retry_after": retry_after,
        "latency_ms": latency_ms,
        "timeout_seconds": timeout_seconds,
        "seed": seed,
        "path_prefix": path_prefix,
        "methods": ",".join(m.strip().upper() for m in methods.split(",") if m.strip()),
        "sequence": 0,
    }.items():
        setattr(faults, field, value)
    faults.full_clean()
    faults.save()
    return faults


def _uniform(faults: SandboxFaults) -> float:
    if faults.seed is None:
        return random.random()  # noqa: S311 - a simulation, not security
    with transaction.atomic():
        locked = SandboxFaults.objects.select_for_update().get(pk=faults.pk)
        n = locked.sequence
        locked.sequence = n + 1
        locked.save(update_fields=["sequence"])
    return random.Random(f"{faults.seed}:{n}").random()  # noqa: S311


def hang(seconds: float, client_timeout: float | None) -> None:
    if client_timeout is not None:
        seconds = min(seconds, client_timeout + 0.05)
    time.sleep(seconds)


def _applies(faults: SandboxFaults | None, method: str, path: str) -> bool:
    if faults is None or not faults.active or not path.startswith(faults.path_prefix):
        return False
    return not faults.methods or method in faults.methods.split(",")


def draw(
    account: SandboxAccount, method: str, path: str, client_timeout: float | None = None
) -> Outcome:
    faults = SandboxFaults.objects.filter(account=account).first()
    if not _applies(faults, method, path):
        return Outcome()
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    u = _uniform(faults)
    if u < faults.timeout_rate:
        return Outcome(hang=faults.timeout_seconds)
    u -= faults.timeout_rate
    if u < faults.rate_limit_rate:
        return Outcome(429, faults.retry_after)
    u -= faults.rate_limit_rate
    if u < faults.error_rate:
        return Outcome(faults.error_status)
    return Outcome()


def as_dict(faults: SandboxFaults) -> dict:
    return {name: getattr(faults, name) for name in FIELDS}
