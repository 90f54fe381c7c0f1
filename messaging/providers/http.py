"""The HTTP client every provider other than Wavix sends through (Wavix has its own,
portal/wavix/): each provider's module builds its requests, `ProviderHTTP` sends them.

What it adds to `requests`: a timeout on every call; no call while a database transaction is
open (portal/wavix/guard.py); the channel's debug log with every secret redacted; a log line
naming the provider, method, host and path, the outcome and the time, never a secret; and
typed errors (`ProviderError`) saying what the outbox needs to know: transient (try later:
no connection, 429, 5xx), a refusal (final, with the provider's reason), or an unknown outcome
(the request left and no usable answer came: a send may have been applied).
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from portal.wavix.guard import check_no_transaction

from ..debuglog import debuglog_record, redact
from .errors import ProviderError

log = logging.getLogger("messaging.providers")

CONNECT_TIMEOUT = 5.0  # seconds: a handshake that takes longer will not succeed
READ_TIMEOUT = 15.0
CHECK_READ_TIMEOUT = 5.0  # a check a person waits for in the page ("Run test")
MAX_ANSWER = 256 * 1024  # bytes of an answer read; a provider's answer is far smaller
MAX_RETRY_AFTER = 3600.0
REASON_LIMIT = 200  # characters of a provider's reason kept in a message's history


@dataclass(frozen=True)
class Answer:
    """A provider's answer: status, text (bounded) and headers."""

    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The answer as JSON, or None when it is not."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a Retry-After header asks to wait (a number or an HTTP date), or None."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - time.time()
    return max(0.0, min(MAX_RETRY_AFTER, seconds))


_sessions: dict[int, requests.Session] = {}
_sessions_lock = threading.Lock()


def session_for(channel) -> requests.Session:
    """The channel's pooled session (kept connections to its provider). Tests and the demo
    mount a transport on it to answer from the provider's fake in-process."""
    with _sessions_lock:
        session = _sessions.get(channel.pk)
        if session is None:
            session = _sessions[channel.pk] = requests.Session()
        return session


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class ProviderHTTP:
    """Calls to one channel's provider. `secrets` are the values to redact from whatever is
    logged (the credentials, an API key in a URL); `name` is the provider as people say it."""

    def __init__(
        self,
        channel,
        *,
        name: str,
        secrets: tuple[str, ...] = (),
        verify: bool = True,
        session: requests.Session | None = None,
        read_timeout: float | None = None,  # None: READ_TIMEOUT
    ) -> None:
        self.channel = channel
        self.name = name
        self.secrets = tuple(s for s in secrets if s)
        self.verify = verify
        self.read_timeout = read_timeout
        self.session = session or session_for(channel)

    def request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        sending: bool = False,
        reason: Callable[[Answer], str] | None = None,
        accept: Callable[[Answer], bool] | None = None,
    ) -> Answer:
        """The answer of a call that succeeded (2xx, or what `accept` takes), else
        ProviderError. `sending`: the call applies something (a message), so a lost answer
        is an unknown outcome. `reason` reads the provider's reason from a refusal."""
        check_no_transaction(f"{self.name} {method} {_where(url)}")
        started = time.monotonic()
        answer: Answer | None = None
        error = ""
        try:
            response = self.session.request(
                method,
                url,
                json=json_body,
                data=data,
                params=params,
                headers=dict(headers or {}),
                auth=auth,
                timeout=(CONNECT_TIMEOUT, self.read_timeout or READ_TIMEOUT),
                verify=self.verify,
                allow_redirects=False,
                stream=True,
            )
            try:
                raw = response.raw.read(MAX_ANSWER + 1, decode_content=True) or b""
            finally:
                response.close()
            text = raw[:MAX_ANSWER].decode(response.encoding or "utf-8", errors="replace")
            answer = Answer(response.status_code, text, dict(response.headers))
        except requests.exceptions.SSLError as exc:
            error = f"{self.name}'s certificate was refused: {self._scrub(str(exc))}"
            raise ProviderError(error, transient=True) from None
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError) as exc:
            # Nothing reached the provider when the connection was never made; a connection
            # dropped mid-answer leaves the outcome unknown.
            unknown = sending and not isinstance(exc, requests.exceptions.ConnectTimeout)
            unknown = unknown and "Connection refused" not in str(exc)
            unknown = unknown and "Name or service not known" not in str(exc)
            error = f"{self.name} could not be reached: {self._scrub(str(exc))}"
            raise ProviderError(error, transient=True, outcome_unknown=unknown) from None
        except requests.exceptions.RequestException as exc:  # a read timeout, and the like
            error = f"{self.name} did not answer in time: {self._scrub(str(exc))}"
            raise ProviderError(error, transient=True, outcome_unknown=sending) from None
        finally:
            elapsed = time.monotonic() - started
            sent = json_body if json_body is not None else data
            if isinstance(sent, bytes):  # a body the caller encoded: logged as its text
                sent = sent.decode("utf-8", errors="replace")
            self._record(method, url, sent, answer, error, elapsed)
        return self._judge(answer, sending=sending, reason=reason, accept=accept)

    def _judge(self, answer: Answer, *, sending: bool, reason, accept) -> Answer:
        if accept is not None and accept(answer):
            return answer
        if accept is None and 200 <= answer.status < 300:
            return answer
        said = self._scrub((reason(answer) if reason else "") or "")[:REASON_LIMIT]
        detail = self._scrub(answer.text[:500])
        status = answer.status
        if status == 429 or status == 503:
            raise ProviderError(
                f"{self.name} was too busy (HTTP {status}){': ' + said if said else ''}.",
                transient=True,
                status_code=status,
                retry_after=retry_after(answer.headers),
                detail=detail,
            )
        if status >= 500:
            raise ProviderError(
                f"{self.name} had a problem on its side (HTTP {status})"
                f"{': ' + said if said else ''}.",
                transient=True,
                outcome_unknown=sending,
                status_code=status,
                retry_after=retry_after(answer.headers),
                detail=detail,
            )
        if status in (401, 403):
            raise ProviderError(
                f"{self.name} refused the channel's credentials (HTTP {status})"
                f"{': ' + said if said else ''}. Check them on the channel's page.",
                transient=False,
                status_code=status,
                detail=detail,
            )
        if 200 <= status < 300:
            # Answered, but not with what marks success (a gateway's success text).
            raise ProviderError(
                f"{self.name} did not accept it{': ' + said if said else ''}.",
                transient=False,
                status_code=status,
                detail=detail,
            )
        raise ProviderError(
            said or f"{self.name} refused it (HTTP {status}).",
            transient=False,
            status_code=status,
            detail=detail,
        )

    def _scrub(self, text: str) -> str:
        return redact(text, self.secrets)

    def _record(self, method, url, sent, answer: Answer | None, error: str, elapsed: float):
        shown = self._scrub(_where(url))
        outcome = str(answer.status) if answer is not None else (error[:80] or "no answer")
        failed = answer is None or answer.status >= 400
        log.log(
            logging.WARNING if failed else logging.INFO,
            "%s %s %s -> %s (%.0f ms)",
            self.name,
            method,
            shown,
            outcome,
            elapsed * 1000,
        )
        debuglog_record(
            channel=self.channel,
            method=method,
            url=url,
            status_code=answer.status if answer is not None else None,
            request=sent,
            response=answer.text if answer is not None else None,
            duration_ms=int(elapsed * 1000),
            error=error,
            secrets=self.secrets,
        )
