"""A channel's debug log: while `Channel.debug_log` is on, every call its provider makes is
kept as one `ChannelLogEntry` (the request and the answer, secrets redacted before anything
is stored), the last `KEEP` per channel. The channels part shows them to system
administrators."""

from __future__ import annotations

import json
import re
from typing import Any

from .models import Channel, ChannelLogEntry

KEEP = 200
BODY_LIMIT = 4000  # characters kept of a request or an answer
REDACTED = "[redacted]"
SECRET_NAMES = re.compile(
    r"(api[_-]?key|appid|authorization|password|secret|token|credentials)", re.IGNORECASE
)
# `appid=...` or `token=...` in a URL's query, `Bearer ...` in a header copied into a text.
SECRET_IN_TEXT = re.compile(
    r"((?:api[_-]?key|appid|token|password|secret)=)[^&\s\"']+|(Bearer\s+)[A-Za-z0-9._~+/=-]+",
    re.IGNORECASE,
)


def redact(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """`value` (JSON-like, or text) with every secret-looking field and every known secret
    replaced by "[redacted]"."""
    if isinstance(value, dict):
        return {
            k: REDACTED if SECRET_NAMES.search(str(k)) else redact(v, secrets)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v, secrets) for v in value]
    if isinstance(value, str):
        text = SECRET_IN_TEXT.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, value)
        for secret in secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, REDACTED)
        return text
    return value


def _text(value: Any, secrets: tuple[str, ...]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(redact(value, secrets), default=str, ensure_ascii=False)
    else:
        value = redact(value, secrets)
    return value[:BODY_LIMIT]


def debuglog_record(
    *,
    channel: Channel,
    method: str,
    url: str,
    status_code: int | None = None,
    request: Any = None,
    response: Any = None,
    duration_ms: int = 0,
    error: str = "",
    secrets: tuple[str, ...] = (),
) -> ChannelLogEntry | None:
    """Keeps one call of the channel's provider when its debug log is on (else nothing),
    and drops the entries beyond the last `KEEP`."""
    if not channel.debug_log:
        return None
    entry = ChannelLogEntry.objects.create(
        channel=channel,
        method=method[:8],
        url=_text(url, secrets)[:500],
        status_code=status_code,
        request_body=_text(request, secrets),
        response_body=_text(response, secrets),
        duration_ms=max(0, int(duration_ms)),
        error=_text(error, secrets)[:255],
    )
    _trim(channel)
    return entry


def _trim(channel: Channel) -> None:
    # One indexed read for the KEEP-th newest entry, one DELETE of everything older: cheap
    # enough per call, and a log of exactly KEEP rows however fast the channel sends.
    newest = ChannelLogEntry.objects.filter(channel=channel).order_by("-id")
    cutoff = list(newest.values_list("id", flat=True)[KEEP - 1 : KEEP])
    if cutoff:
        ChannelLogEntry.objects.filter(channel=channel, id__lt=cutoff[0]).delete()
