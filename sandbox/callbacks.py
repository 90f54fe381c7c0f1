"""Posting a callback as the fake providers do (the Wavix sandbox's webhooks, DIDWW's callbacks
and HTTP IN deliveries, Apidaze's callbacks, the gateways' reports): one POST with a short
timeout, made outside any transaction by the caller (the receiver, the portal under `make run`,
may write to the same database), and what came of it, for the fake to record and retry. Each
fake passes its own session (`http_session()`, which its tests replace)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

TIMEOUT = (3.05, 5.0)  # connect, read: a receiver should answer quickly


@dataclass(frozen=True)
class Posted:
    status: int | None  # None: no answer
    error: str  # "" when the receiver answered 2xx
    duration_ms: int


def post(
    session: requests.Session, url: str, body: str, *, content_type: str, user_agent: str
) -> Posted:
    started = time.monotonic()
    headers = {"Content-Type": content_type, "User-Agent": user_agent}
    try:
        with session:
            response = session.post(
                url, data=body.encode("utf-8"), headers=headers, timeout=TIMEOUT
            )
        status = response.status_code
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except requests.RequestException as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:300]
    return Posted(status, error, int((time.monotonic() - started) * 1000))
