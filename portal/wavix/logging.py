"""Logging of Wavix calls with the API key kept out.

The root logger's filter (portal/logging.py) redacts `appid=` and bearer tokens in any line,
but the client must not rely on it: a log line is built here from the method, the path and a
query string in which the key was replaced before formatting, and `scrub` removes the key from
any text that came from elsewhere (a requests exception, a Wavix error body).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote, quote_plus, urlencode

logger = logging.getLogger("portal.wavix")

REDACTED = "[redacted]"
# Query parameters whose value is a secret.
SECRET_PARAMS = frozenset({"appid", "api_key", "apikey", "token"})


def scrub(text: str, secret: str) -> str:
    """`text` with every spelling of `secret` a URL or a message could contain replaced."""
    if not secret:
        return text
    for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
        text = text.replace(form, REDACTED)
    return text


def loggable_target(path: str, params: Mapping[str, object] | None) -> str:
    """The path and query string as they may appear in a log line."""
    if not params:
        return path
    shown = [(k, REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in params.items()]
    return f"{path}?{urlencode(shown, doseq=True, safe='[]')}"


def log_call(
    *, method: str, target: str, outcome: str, failed: bool, duration: float, attempt: int
) -> None:
    # Reads are frequent (paging, polling) so they stay at DEBUG; writes change something at
    # Wavix and are worth an INFO line; failures are WARNING whatever the method.
    if failed:
        level = logging.WARNING
    elif method == "GET":
        level = logging.DEBUG
    else:
        level = logging.INFO
    logger.log(
        level,
        "wavix %s %s -> %s (%.0f ms, attempt %d)",
        method,
        target,
        outcome,
        duration * 1000,
        attempt,
        extra={
            "wavix_method": method,
            "wavix_target": target,
            "wavix_outcome": outcome,
            "wavix_duration_ms": round(duration * 1000),
        },
    )
