"""The Wavix API client: every call the portal makes to Wavix goes through `WavixClient`.

Paths, parameter names and bodies follow Wavix's current OpenAPI spec
(vendored in tests/contract/wavix-api-2026-06-30.json); the operations it lacks (E911, the
sender-ID self-service check) follow Wavix's documentation and SDKs, described for the contract
tests in tests/contract/wavix-supplement.json. Results are Wavix's JSON, unmodified.

What the client adds to `requests`: authentication (bearer header or legacy `appid`), a
timeout on every call, one pooled session per account, typed errors (errors.py), retries with
backoff where repeating is safe, reconciliation of a message send whose outcome is unknown
(a trunk create whose outcome is unknown is not repeated either: its caller reconciles it),
and log lines without the key. It refuses to call while a database transaction is open
(`guard.py`): no lock is ever held while Wavix answers.
"""

from __future__ import annotations

import email.utils
import enum
import hashlib
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3.exceptions
from django.conf import settings
from requests.adapters import HTTPAdapter

from ..crypto import is_unreadable
from .errors import (
    WavixAuthError,
    WavixError,
    WavixKeyUnreadable,
    WavixNetworkError,
    WavixNotFound,
    WavixNotProvisioned,
    WavixRateLimited,
    WavixServerError,
    WavixValidationError,
)
from .guard import check_no_transaction
from .logging import log_call, loggable_target, logger, scrub

AUTH_MODES = ("bearer", "appid")
MAX_PER_PAGE = 100  # Wavix's limit for every list
CONNECT_TIMEOUT = 5.0  # a TCP/TLS handshake that takes longer will not succeed
BACKOFF_BASE = 0.5  # seconds; doubled per retry, then fully jittered
BACKOFF_CAP = 20.0
# A longer Retry-After is not waited out inside a call (a web request or a task would hang):
# the caller gets WavixRateLimited with `.retry_after` and schedules the retry itself.
MAX_RETRY_AFTER = 60.0
# Before looking a message up by tag: give Wavix a moment to list what it just accepted.
RECONCILE_PAUSE = 1.0
MESSAGES_PATH = "/v3/messages"
CDR_DIRECTIONS = ("placed", "received")
_ERROR_BODY_LIMIT = 500


class WavixAccount(Protocol):
    pk: Any
    base_url: str
    api_key: str
    auth_mode: str


class _Retry(enum.Enum):
    """When a failed attempt may be repeated."""

    READ = "read"  # GET: any network error, 429, 5xx
    WRITE = "write"  # 429, 5xx, and a connection that never carried the request
    # Not idempotent (a message send, a trunk create): 429 and never-carried only; an unknown
    # outcome (no answer, 5xx) is reconciled by looking the object up, never repeated blindly.
    SEND = "send"


class _Secret:
    """The API key, in a wrapper whose repr never shows it (a debugger, a `vars(client)`)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'[redacted]'"

    __str__ = __repr__


@dataclass
class Page:
    """One page of a Wavix list: the items under the list's key and its pagination."""

    items: list[dict]
    page: int
    per_page: int
    total: int
    total_pages: int
    # What else the list answered beside its items (e.g. `doc_types` with the numbers).
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages

    @classmethod
    def from_body(cls, body: Any, key: str, *, page: int, per_page: int) -> Page:
        # Tolerant by design: trunks answer `sip_trunks: null` when there are none, and a list
        # without pagination is one page.
        extra: dict = {}
        if isinstance(body, list):
            items, pagination = body, {}
        else:
            body = body or {}
            items, pagination = body.get(key) or [], body.get("pagination") or {}
            extra = {k: v for k, v in body.items() if k not in {key, "pagination"}}
        return cls(
            items=list(items),
            page=int(pagination.get("current_page") or page),
            per_page=int(pagination.get("per_page") or per_page),
            total=int(pagination.get("total") or len(items)),
            total_pages=int(pagination.get("total_pages") or page),
            extra=extra,
        )


@dataclass
class RecordingStream:
    """A recording file being read from Wavix: its status (200, or 206 for a range), the
    headers a player needs, and its bytes in chunks. Close it when done."""

    response: requests.Response
    chunk_size: int = 64 * 1024

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> dict[str, str]:
        """The headers passed on to a browser (never Wavix's others)."""
        wanted = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges")
        return {h: self.response.headers[h] for h in wanted if h in self.response.headers}

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self.response.iter_content(self.chunk_size)
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()


# --- sessions ---------------------------------------------------------------------------------

_sessions: dict[Any, tuple[str, int, requests.Session]] = {}
_sessions_lock = threading.Lock()


def new_session() -> requests.Session:
    session = requests.Session()
    # Retries are the client's (they depend on the operation), never urllib3's.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "telecom-portal-wavix-client"
    return session


def _fingerprint(base_url: str, api_key: str) -> str:
    return hashlib.sha256(f"{base_url}\n{api_key}".encode()).hexdigest()


def session_for_account(account: WavixAccount) -> requests.Session:
    """The account's pooled session, shared by every client made for it. A changed key or base
    URL gets a fresh session (no connection is reused across keys); so does a forked worker
    process, which must not share its parent's sockets."""
    fingerprint = _fingerprint(account.base_url, account.api_key)
    pid = os.getpid()
    with _sessions_lock:
        cached = _sessions.get(account.pk)
        if cached and cached[0] == fingerprint and cached[1] == pid:
            return cached[2]
        session = new_session()
        _sessions[account.pk] = (fingerprint, pid, session)
        return session


def close_sessions() -> None:
    """Closes every pooled session and its kept-alive connections (a process shutting down,
    or a test whose Wavix was a server that is about to stop)."""
    with _sessions_lock:
        for _, _, session in _sessions.values():
            session.close()
        _sessions.clear()


# --- helpers ----------------------------------------------------------------------------------


def _segment(value: object) -> str:
    """An id as one path segment: an id with a slash cannot reach another endpoint."""
    return quote(str(value), safe="")


def _query_value(value: object) -> object:
    # The spec's booleans are `true`/`false`; requests would send Python's `True`.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_query_value(v) for v in value]
    return value


def _query(params: Mapping[str, object] | None) -> dict[str, object]:
    return {k: _query_value(v) for k, v in (params or {}).items() if v is not None}


def _day(value: date | datetime | str) -> str:
    """A CDR date as the spec wants it (`YYYY-MM-DD`, inclusive)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(value).isoformat()


def _check_per_page(per_page: int) -> None:
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, not {per_page}")


def _retry_after(header: str | None) -> float | None:
    """Retry-After in seconds: delta-seconds or an HTTP date."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT; a zoneless one cannot be compared
        return None
    return max(0.0, when.timestamp() - time.time())


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the connection failed before the request could leave (refused, DNS, connect
    timeout): then even a write is safe to repeat. Anything else may have reached Wavix."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason: object = exc.args[0] if exc.args else None
    for _ in range(4):  # requests -> MaxRetryError -> NewConnectionError
        if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
            return True  # NewConnectionError and NameResolutionError are subclasses
        reason = getattr(reason, "reason", None)
    return False


def _wavix_message(response: requests.Response) -> str:
    """Wavix's error text: `{"success": false, "message": "..."}`, other JSON, or plain text."""
    try:
        data = response.json()
    except ValueError:
        text = response.text.strip()[:_ERROR_BODY_LIMIT]
        return text or response.reason or f"HTTP {response.status_code}"
    if isinstance(data, dict):
        for field in ("message", "error", "errors", "detail"):
            value = data.get(field)
            if isinstance(value, str) and value:
                return value
            if value and not isinstance(value, bool):
                return str(value)[:_ERROR_BODY_LIMIT]
    return str(data)[:_ERROR_BODY_LIMIT] or response.reason or f"HTTP {response.status_code}"


# No answer came back: the request may or may not have reached Wavix (see _never_sent).
_NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)

_ERRORS_BY_STATUS: dict[int, type[WavixError]] = {
    400: WavixValidationError,
    401: WavixAuthError,
    403: WavixNotProvisioned,
    404: WavixNotFound,
    422: WavixValidationError,
}


# --- the client -------------------------------------------------------------------------------


class WavixClient:
    """One Wavix account's API. Make it with `WavixClient.for_account(account)` so the
    account's connection pool is reused; tests mount transport adapters on `.session`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        auth_mode: str = "bearer",
        timeout: float | None = None,
        max_retries: int = 3,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        auth_mode = (auth_mode or "bearer").lower()
        if auth_mode not in AUTH_MODES:
            raise ValueError(f"auth_mode must be one of {AUTH_MODES}, not {auth_mode!r}")
        # An unreadable stored key fails each call with its reason (inside the callers'
        # handling of Wavix errors) rather than here.
        self._key_unreadable = is_unreadable(api_key)
        if not api_key and not self._key_unreadable:
            raise ValueError("api_key is empty")
        self.base_url = base_url.rstrip("/")
        self.auth_mode = auth_mode
        self._key = _Secret(api_key)
        self.timeout = float(settings.WAVIX_TIMEOUT_SECONDS if timeout is None else timeout)
        self.max_retries = max_retries
        self.session = session if session is not None else new_session()
        # Injectable so tests never really wait.
        self.sleep = sleep if sleep is not None else time.sleep

    @classmethod
    def for_account(cls, account: WavixAccount, **kwargs: Any) -> WavixClient:
        kwargs.setdefault("session", session_for_account(account))
        return cls(
            base_url=account.base_url,
            api_key=account.api_key,
            auth_mode=account.auth_mode,
            **kwargs,
        )

    def __repr__(self) -> str:
        return (
            f"WavixClient(base_url={self.base_url!r}, auth_mode={self.auth_mode!r}, "
            f"api_key='[redacted]')"
        )

    # --- transport ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        body: Any = None,
        retry: _Retry | None = None,
        raw: bool = False,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        """One operation: attempts with retries as `retry` allows, then Wavix's JSON (None for
        an empty answer) or a typed error. Refused inside a database transaction (guard.py).
        `raw`: the answer itself (its headers are wanted), a redirect included. `files`: a
        multipart body (`body` then holds its plain form fields); never logged."""
        check_no_transaction(f"Wavix {method} {path}")
        if self._key_unreadable:
            raise WavixKeyUnreadable(
                "not sent: the account's stored API key cannot be decrypted (the portal's "
                "encryption keys changed)",
                method=method,
                path=path,
            )
        retry = retry or (_Retry.READ if method == "GET" else _Retry.WRITE)
        query = _query(params)
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(method, path, query, body, attempt, files)
            if isinstance(outcome, WavixError):
                error: WavixError | None = outcome
            elif raw and 300 <= outcome.status_code < 400:
                error = None
            else:
                error = self._error_for(outcome, method, path)
            if error is None:
                return outcome if raw else self._decode(outcome, method, path)
            delay = self._retry_delay(error, retry, attempt)
            if delay is None:
                # Raised here, outside any `except`: no requests exception (whose text holds
                # the URL, and with `appid` the key) is chained to it.
                raise error
            self.sleep(delay)

    def _attempt(
        self,
        method: str,
        path: str,
        query: dict[str, object],
        body: Any,
        attempt: int,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> requests.Response | WavixError:
        started = time.monotonic()
        outcome = self._transmit(method, path, query, body, files)
        answered = isinstance(outcome, requests.Response)
        log_call(
            method=method,
            target=loggable_target(path, query),
            outcome=str(outcome.status_code) if answered else type(outcome).__name__,
            failed=not answered or outcome.status_code >= 400,
            duration=time.monotonic() - started,
            attempt=attempt,
        )
        return outcome

    def _transmit(
        self,
        method: str,
        path: str,
        query: dict[str, object],
        body: Any,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> requests.Response | WavixError:
        """The HTTP exchange; a failure to get an answer is returned, not raised."""
        params, headers = self._authenticated(query)
        payload = {"data": body, "files": dict(files)} if files else {"json": body}
        try:
            return self.session.request(
                method,
                self.base_url + path,
                params=params or None,
                headers=headers,
                **payload,
                timeout=(min(CONNECT_TIMEOUT, self.timeout), self.timeout),
                allow_redirects=False,  # a redirect would drop a POST body or leave the host
            )
        except _NETWORK_ERRORS as exc:
            return WavixNetworkError(
                self._scrub(f"{type(exc).__name__}: {exc}"),
                outcome_unknown=not _never_sent(exc),
                method=method,
                path=path,
            )
        except requests.RequestException as exc:  # a bad URL and the like: never sent
            text = self._scrub(f"{type(exc).__name__}: {exc}")
            return WavixError(text, method=method, path=path)

    def _authenticated(self, query: dict[str, object]) -> tuple[dict[str, object], dict[str, str]]:
        headers = {"Accept": "application/json"}
        if self.auth_mode == "appid":
            return {**query, "appid": self._key.reveal()}, headers
        return dict(query), {**headers, "Authorization": f"Bearer {self._key.reveal()}"}

    def _scrub(self, text: str) -> str:
        return scrub(text, self._key.reveal())

    def _error_for(self, response: requests.Response, method: str, path: str) -> WavixError | None:
        status = response.status_code
        if status < 300:
            return None
        where = {"status": status, "method": method, "path": path}
        if status < 400:
            location = self._scrub(response.headers.get("Location", ""))
            return WavixError(f"unexpected redirect to {location or '?'}", **where)
        message = self._scrub(_wavix_message(response))
        retry_after = _retry_after(response.headers.get("Retry-After"))
        if status == 429:
            return WavixRateLimited(message, retry_after=retry_after, **where)
        if status >= 500:
            return WavixServerError(message, retry_after=retry_after, **where)
        return _ERRORS_BY_STATUS.get(status, WavixError)(message, **where)

    @staticmethod
    def _decode(response: requests.Response, method: str, path: str) -> Any:
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            status = response.status_code
        raise WavixError("the answer is not JSON", status=status, method=method, path=path)

    def _retry_delay(self, error: WavixError, retry: _Retry, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to give up with `error`."""
        if attempt > self.max_retries or not self._may_repeat(error, retry):
            return None
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= MAX_RETRY_AFTER else None
        # Exponential backoff with full jitter: clients that failed together do not retry
        # together.
        return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))  # noqa: S311

    @staticmethod
    def _may_repeat(error: WavixError, retry: _Retry) -> bool:
        if isinstance(error, WavixRateLimited):
            return True  # refused, so certainly not done: repeating cannot duplicate
        if isinstance(error, WavixNetworkError):
            return retry is _Retry.READ or not error.outcome_unknown
        if isinstance(error, WavixServerError):
            return retry is not _Retry.SEND
        return False

    # --- paging -------------------------------------------------------------------------------
    # Lists are walked by walk_pages (below the class), whichever request reads a page.

    def _page(
        self, path: str, key: str, params: Mapping[str, object] | None, page: int, per_page: int
    ) -> Page:
        _check_per_page(per_page)
        body = self._request(
            "GET", path, params={**(params or {}), "page": page, "per_page": per_page}
        )
        return Page.from_body(body, key, page=page, per_page=per_page)

    def iter_pages(
        self, path: str, key: str, params: dict | None = None, per_page: int = 100
    ) -> Iterator[Page]:
        """Every page of a list, first to last, one request each."""
        return walk_pages(lambda number: self._page(path, key, params, number, per_page))

    def _all(self, path: str, key: str, params: dict | None = None) -> list[dict]:
        return [item for page in self.iter_pages(path, key, params) for item in page.items]

    def _list(self, path: str, key: str, params: Mapping[str, object] | None = None) -> list[dict]:
        """An unpaginated list: the items under `key`."""
        return (self._request("GET", path, params=params) or {}).get(key) or []

    # --- profile ------------------------------------------------------------------------------

    def get_profile(self) -> dict:
        return self._request("GET", "/v1/profile")

    def update_profile(self, **fields: Any) -> dict:
        """Account-level settings, e.g. `sms_relay_url` and `dlr_relay_url` (the default
        inbound-SMS and delivery-report webhooks)."""
        if not fields:
            raise ValueError("update_profile needs at least one field")
        return self._request("PUT", "/v1/profile", body=fields)

    # --- numbers ------------------------------------------------------------------------------

    def list_numbers(self, *, page: int = 1, per_page: int = 100, **filters: Any) -> Page:
        return self._page("/v1/numbers", "items", filters, page, per_page)

    def iter_numbers(self, per_page: int = 100) -> Iterator[Page]:
        return self.iter_pages("/v1/numbers", "items", per_page=per_page)

    def get_number(self, number_id: int | str) -> dict:
        return self._request("GET", f"/v1/numbers/{_segment(number_id)}")

    def update_numbers(
        self,
        ids: list,
        *,
        destinations: list[dict] | None = None,
        sms_enabled: bool | None = None,
        sms_relay_url: str | None = None,
    ) -> list[dict]:
        """The same change on every listed number; only the given fields change."""
        if not ids:
            raise ValueError("update_numbers needs at least one number id")
        changes = _number_changes(destinations, sms_enabled, sms_relay_url)
        body = {"ids": [int(i) for i in ids], **changes}
        return (self._request("PATCH", "/v1/numbers", body=body) or {}).get("items", [])

    def update_number(
        self,
        number_id: int | str,
        *,
        destinations: list[dict] | None = None,
        sms_enabled: bool | None = None,
        sms_relay_url: str | None = None,
    ) -> dict:
        changes = _number_changes(destinations, sms_enabled, sms_relay_url)
        return self._request("PATCH", f"/v1/numbers/{_segment(number_id)}", body=changes)

    def return_numbers(self, ids: list) -> dict:
        """Releases the numbers back to Wavix (their monthly fees stop)."""
        if not ids:
            raise ValueError("return_numbers needs at least one number id")
        return self._request("DELETE", "/v1/numbers", params={"ids": [int(i) for i in ids]})

    # --- buying -------------------------------------------------------------------------------

    def list_countries(self, *, sms_enabled: bool | None = None) -> list[dict]:
        return self._list("/v1/buy/countries", "countries", _sms_filter(sms_enabled))

    def list_regions(self, country_id: int | str, *, sms_enabled: bool | None = None) -> list[dict]:
        path = f"/v1/buy/countries/{_segment(country_id)}/regions"
        return self._list(path, "regions", _sms_filter(sms_enabled))

    def list_cities(
        self,
        country_id: int | str,
        *,
        region_id: int | str | None = None,
        sms_enabled: bool | None = None,
    ) -> list[dict]:
        path = f"/v1/buy/countries/{_segment(country_id)}"
        if region_id is not None:
            path += f"/regions/{_segment(region_id)}"
        return self._list(f"{path}/cities", "cities", _sms_filter(sms_enabled))

    def list_numbers_for_sale(
        self,
        country_id: int | str,
        city_id: int | str,
        *,
        sms_enabled: bool | None = None,
        page: int = 1,
        per_page: int = 100,
    ) -> Page:
        path = f"/v1/buy/countries/{_segment(country_id)}/cities/{_segment(city_id)}/dids"
        return self._page(path, "dids", _sms_filter(sms_enabled), page, per_page)

    def get_cart(self) -> dict:
        return self._request("GET", "/v1/buy/cart")

    def add_to_cart(self, numbers: list[str]) -> list[dict]:
        """Returns the numbers now in the cart."""
        return self._request("PUT", "/v1/buy/cart", body={"ids": _numbers(numbers)}) or []

    def remove_from_cart(self, numbers: list[str]) -> dict:
        return self._request("DELETE", "/v1/buy/cart", body={"ids": _numbers(numbers)})

    def checkout(self, numbers: list[str]) -> dict:
        """Buys the numbers in the cart: activation and monthly fees are charged."""
        return self._request("POST", "/v1/buy/cart/checkout", body={"ids": _numbers(numbers)})

    # --- SIP trunks ---------------------------------------------------------------------------

    def list_trunks(self) -> list[dict]:
        return self._all("/v1/trunks", "sip_trunks")

    def get_trunk(self, trunk_id: int | str) -> dict:
        return self._request("GET", f"/v1/trunks/{_segment(trunk_id)}")

    def create_trunk(self, data: dict) -> dict:
        """Not repeated after an unknown outcome (no answer, 5xx): a second POST would make a
        second trunk. The caller looks the trunk up first (trunks/services/sync.py)."""
        return self._request("POST", "/v1/trunks", body=data, retry=_Retry.SEND)

    def replace_trunk(self, trunk_id: int | str, data: dict) -> dict:
        """PUT is a full replacement at Wavix: a field left out falls back to its default, so
        `data` must carry every field."""
        return self._request("PUT", f"/v1/trunks/{_segment(trunk_id)}", body=data)

    def delete_trunk(self, trunk_id: int | str) -> None:
        self._request("DELETE", f"/v1/trunks/{_segment(trunk_id)}")

    # --- sender IDs ---------------------------------------------------------------------------

    def sender_id_self_service(self, country: str, sender_type: str) -> bool:
        """Whether a sender ID of this type ("numeric" or "alphanumeric") can be registered
        through the API in this country (ISO code); otherwise it goes through Wavix's review."""
        params = {"country": country, "type": sender_type}
        body = self._request("GET", "/v3/messages/sender_ids/restrictions", params=params)
        return bool((body or {}).get("self_service"))

    def create_sender_id(self, data: dict) -> dict:
        return self._request("POST", "/v3/messages/sender-ids", body=data)

    def list_sender_ids(self) -> list[dict]:
        return self._list("/v3/messages/sender-ids", "items")

    def get_sender_id(self, sender_id: str) -> dict:
        return self._request("GET", f"/v3/messages/sender-ids/{_segment(sender_id)}")

    def delete_sender_id(self, sender_id: str) -> None:
        self._request("DELETE", f"/v3/messages/sender-ids/{_segment(sender_id)}")

    # --- messages -----------------------------------------------------------------------------

    def send_message(
        self,
        *,
        sender: str,
        to: str,
        text: str,
        media: list[str] | None = None,
        callback_url: str | None = None,
        validity: int | None = None,
        tag: str,
    ) -> dict:
        """Sends an SMS (MMS with `media`). `tag` must be unique per message: it is how a send
        whose outcome is unknown (timeout, reset, 5xx) is found again instead of being
        repeated, which could deliver and bill the message twice."""
        body = _message_body(sender, to, text, media, callback_url, validity, tag)
        for _ in range(2):  # the first send, and one more only if Wavix has no trace of it
            sent = self._send_once(body)
            if sent is not None:
                return sent
            found = self._look_up_sent(tag)
            if found is not None:
                return found
        raise WavixNetworkError(
            f"no answer to the message send and no message tagged {tag!r} at Wavix",
            outcome_unknown=True,
            method="POST",
            path=MESSAGES_PATH,
        )

    def send_message_once(
        self,
        *,
        sender: str,
        to: str,
        text: str,
        media: list[str] | None = None,
        callback_url: str | None = None,
        validity: int | None = None,
        tag: str,
    ) -> dict:
        """One POST of the message and no reconciliation: for a caller that keeps its own
        record of an unknown outcome and looks the tag up later, after Wavix has had time to
        list the message (the outbox), so a slow listing can never cause a second send. A 429
        is the only failure repeated here (refused, so certainly not sent); no answer or a
        5xx raises WavixNetworkError (`outcome_unknown`) or WavixServerError."""
        body = _message_body(sender, to, text, media, callback_url, validity, tag)
        return self._request("POST", MESSAGES_PATH, body=body, retry=_Retry.SEND)

    def _send_once(self, body: dict) -> dict | None:
        """The send's answer, or None when its outcome is unknown."""
        try:
            return self._request("POST", MESSAGES_PATH, body=body, retry=_Retry.SEND)
        except (WavixNetworkError, WavixServerError) as exc:
            if isinstance(exc, WavixNetworkError) and not exc.outcome_unknown:
                raise  # never left this server: nothing to reconcile
            logger.warning(
                "wavix message send tagged %r: outcome unknown (%s), looking it up",
                body["tag"],
                type(exc).__name__,
            )
            return None

    def _look_up_sent(self, tag: str) -> dict | None:
        self.sleep(RECONCILE_PAUSE)
        try:
            return self.find_message_by_tag(tag)
        except WavixError as exc:
            # Without the lookup a second send could duplicate the message: stop here.
            raise WavixNetworkError(
                f"the message send's outcome is unknown and looking it up failed: {exc.message}",
                outcome_unknown=True,
                method="POST",
                path=MESSAGES_PATH,
            ) from exc

    def get_message(self, message_id: str) -> dict:
        return self._request("GET", f"{MESSAGES_PATH}/{_segment(message_id)}")

    def list_messages(self, *, page: int = 1, per_page: int = 100, **filters: Any) -> Page:
        """Filters as the spec names them (`type`, `sent_after`, `sent_before`, `from`, `to`,
        `status`, `tag`, `message_type`); `from_` stands for `from`. Wavix requires `type`,
        which defaults to "outbound"."""
        if "from_" in filters:
            filters["from"] = filters.pop("from_")
        filters.setdefault("type", "outbound")
        return self._page(MESSAGES_PATH, "items", filters, page, per_page)

    def find_message_by_tag(self, tag: str) -> dict | None:
        page = self.list_messages(type="outbound", tag=tag, per_page=25)
        # Compared here too: a filter Wavix ignored must not make another message match.
        return next((m for m in page.items if m.get("tag") == tag), None)

    # --- opt-outs -----------------------------------------------------------------------------

    def create_opt_out(self, number: str, sender_id: str | None = None) -> dict:
        opt_out = {"number": number}
        if sender_id:
            opt_out["sender_id"] = sender_id
        return self._request("POST", "/v3/messages/opt-outs", body={"opt_out": opt_out})

    def list_opt_outs(self, **filters: Any) -> list[dict]:
        """Every opt-out (all pages); filters: sender_id, campaign_id, created_after/before."""
        return self._all("/v3/messages/opt-outs", "items", filters)

    # --- E911 ---------------------------------------------------------------------------------

    def validate_e911_address(self, *, phone_number: str, name: str, address: dict) -> dict:
        """`status` in the answer: full match, corrected (see `corrected_address`), candidates
        or no match; only a matched or corrected address can be registered."""
        body = {"phone_number": phone_number, "name": name, "address": address}
        return self._request("POST", "/v1/e911-records/validate-address", body=body)

    def create_e911_record(self, *, phone_number: str, name: str, address: dict) -> dict:
        body = {"phone_number": phone_number, "name": name, "address": address}
        return self._request("POST", "/v1/e911-records", body=body)

    def list_e911_records(self, *, phone_number: str | None = None) -> list[dict]:
        return self._all("/v1/e911-records", "items", {"phone_number": phone_number})

    def delete_e911_record(self, phone_number: str) -> None:
        """Removes the number's emergency address: E911 calling stops for it."""
        self._request("DELETE", "/v1/e911-records", params={"phone_number": phone_number})

    # --- CDRs ---------------------------------------------------------------------------------

    def list_cdrs(
        self,
        *,
        date_from: date | datetime | str,
        date_to: date | datetime | str,
        direction: str,
        page: int = 1,
        per_page: int = 100,
        **filters: Any,
    ) -> Page:
        """Call records between two days (inclusive; a datetime counts by its date).
        `direction` is "placed" or "received"; filters: disposition, sip_trunk, from_search,
        to_search, uuid."""
        params = _cdr_params(date_from, date_to, direction, filters)
        return self._page("/v1/cdrs", "items", params, page, per_page)

    def iter_cdrs(
        self,
        *,
        date_from: date | datetime | str,
        date_to: date | datetime | str,
        direction: str,
        per_page: int = 100,
        **filters: Any,
    ) -> Iterator[Page]:
        params = _cdr_params(date_from, date_to, direction, filters)
        return self.iter_pages("/v1/cdrs", "items", params, per_page=per_page)

    # --- recordings and transcripts -----------------------------------------------------------

    def get_cdr(self, call_id: str, *, show_transcription: bool = False) -> dict:
        """One call: with `recording_url` when it was recorded, and with `show_transcription`
        its transcription reference."""
        params = {"show_transcription": True} if show_transcription else None
        return self._request("GET", f"/v1/cdrs/{_segment(call_id)}", params=params)

    def get_transcription(self, call_id: str) -> dict:
        """The call's transcript: `turns` of {type (the speaker's number), s, e, text}."""
        return self._request("GET", f"/v1/cdrs/{_segment(call_id)}/transcription")

    def retranscribe(
        self, call_id: str, *, webhook_url: str | None = None, language: str | None = None
    ) -> dict | None:
        """Asks Wavix to transcribe the recorded call (again); it POSTs `{uuid, status}` to
        `webhook_url` when done. Repeating it only starts the same work again: a write."""
        body: dict[str, Any] = {}
        if language:
            body["language"] = language
        if webhook_url:
            body["webhook_url"] = webhook_url
        return self._request("PUT", f"/v1/cdrs/{_segment(call_id)}/retranscribe", body=body)

    def search_transcriptions(
        self,
        *,
        date_from: date | datetime | str,
        date_to: date | datetime | str,
        direction: str,
        transcription: Mapping[str, Any] | None = None,
        page: int = 1,
        per_page: int = 100,
        **filters: Any,
    ) -> Page:
        """One page of the account's transcribed calls whose transcript matches
        `transcription` ({agent|client|any: {must, match, exclude}}), account-wide."""
        _check_per_page(per_page)
        body = {
            **_cdr_params(date_from, date_to, direction, filters),
            "transcription": _transcription_filter(transcription),
            "page": page,
            "per_page": per_page,
        }
        # A search changes nothing: repeating it is as safe as a GET.
        answer = self._request("POST", "/v1/cdrs", body=body, retry=_Retry.READ)
        return Page.from_body(answer, "items", page=page, per_page=per_page)

    def iter_transcription_search(self, **kwargs: Any) -> Iterator[Page]:
        """Every page of a search, first to last, one request each."""
        return walk_pages(lambda number: self.search_transcriptions(page=number, **kwargs))

    def list_recordings(
        self,
        *,
        date_from: date | datetime | str | None = None,
        date_to: date | datetime | str | None = None,
        page: int = 1,
        per_page: int = 100,
        **filters: Any,
    ) -> Page:
        """One page of the account's call recordings (filters: from, to, call_uuid,
        sip_trunks)."""
        params = {**_recording_days(date_from, date_to), **filters}
        return self._page("/v1/recordings", "recordings", params, page, per_page)

    def iter_recordings(self, *, per_page: int = 100, **kwargs: Any) -> Iterator[Page]:
        params = {**_recording_days(kwargs.pop("date_from", None), kwargs.pop("date_to", None))}
        return self.iter_pages("/v1/recordings", "recordings", {**params, **kwargs}, per_page)

    def open_recording(self, call_id: str, *, byte_range: str | None = None) -> RecordingStream:
        """The call's recording file as a stream: Wavix answers with its address
        (`Location`), which is then read with `Range` passed on. The key goes only to
        Wavix's own host (never to a file host it points to) and never into the answer."""
        located = self._request(
            "GET", f"/v1/recordings/{_segment(call_id)}", raw=True, retry=_Retry.READ
        )
        location = located.headers.get("Location", "")
        if not location:
            raise WavixError("no Location for the recording", method="GET", path="/v1/recordings")
        return self._open_file(urljoin(self.base_url + "/", location), byte_range)

    def _open_file(self, url: str, byte_range: str | None) -> RecordingStream:
        check_no_transaction("Wavix recording file")
        same_host = urlsplit(url).netloc == urlsplit(self.base_url).netloc
        params, headers = self._authenticated({}) if same_host else ({}, {})
        headers = {**headers, "Accept": "audio/*"}
        if byte_range:
            headers["Range"] = byte_range
        shown = urlsplit(url).path  # a pre-signed address's query is a secret too
        started = time.monotonic()
        try:
            response = self.session.get(
                url,
                params=params or None,
                headers=headers,
                stream=True,
                # Tight: a viewer waits on it; the read timeout is per chunk, not the whole file.
                timeout=(min(CONNECT_TIMEOUT, 3.0), self.timeout),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise WavixNetworkError(
                self._scrub(f"{type(exc).__name__}: {exc}"),
                outcome_unknown=False,
                method="GET",
                path=shown,
            ) from None
        log_call(
            method="GET",
            target=shown,
            outcome=str(response.status_code),
            failed=response.status_code >= 400,
            duration=time.monotonic() - started,
            attempt=1,
        )
        if response.status_code >= 400 and response.status_code != 416:
            error = self._error_for(response, "GET", shown)
            response.close()
            raise error  # type: ignore[misc]
        return RecordingStream(response)

    # --- voice campaigns ----------------------------------------------------------------------

    def trigger_voice_campaign(self, callflow_id: int, contact: str, caller_id: str) -> dict:
        """Places one call running the call flow `callflow_id` to `contact` from `caller_id`
        (E.164 digits); answers `{"voice_campaign": {"id", "status", ...}}`. Never repeated
        after an unknown outcome (no answer, 5xx): a second POST would call the person twice,
        so the caller records the outcome as unknown instead (trunks/services/campaigns.py)."""
        body = {
            "voice_campaign": {
                "callflow_id": int(callflow_id),
                "contact": str(contact),
                "caller_id": str(caller_id),
            }
        }
        return self._request("POST", "/v1/voice-campaigns", body=body, retry=_Retry.SEND)

    def get_voice_campaign(self, campaign_id: int | str) -> dict:
        """The call's current `status` (`in_progress` until it ends)."""
        return self._request("GET", f"/v1/voice-campaigns/{_segment(campaign_id)}")

    # --- number validation --------------------------------------------------------------------

    def validate_number(self, phone_number: str, kind: str = "validation") -> dict:
        """`kind`: "format", "analysis" or "validation" (a live network lookup, billed)."""
        params = {"phone_number": phone_number, "type": kind}
        return self._request("GET", "/v1/validation", params=params)

    def validate_numbers(
        self, phone_numbers: list[str], kind: str = "validation", run_async: bool = True
    ) -> dict:
        """Asynchronous: answers `{request_id}` to poll with `get_validation`; otherwise the
        results. `force` is required by the spec; False lets Wavix answer from its cache."""
        body = {
            "phone_numbers": list(phone_numbers),
            "type": kind,
            "async": run_async,
            "force": False,
        }
        return self._request("POST", "/v1/validation", body=body)

    def get_validation(self, request_id: str) -> dict:
        return self._request("GET", f"/v1/validation/{_segment(request_id)}")

    # --- number documents ---------------------------------------------------------------------

    def upload_number_document(
        self,
        *,
        did_ids: list[int | str],
        doc_type: int,
        file_name: str,
        content: bytes,
        content_type: str,
    ) -> list[dict]:
        """`POST /v1/numbers/papers` (multipart): one document for the numbers of `did_ids`
        (Wavix's number ids). Wavix answers a NumberDocument per number. A write: not repeated
        after a lost answer (a second upload would be a second document under review)."""
        fields = {"did_ids": ",".join(str(i) for i in did_ids), "doc_id": str(int(doc_type))}
        files = {"doc_attachment": (file_name, content, content_type)}
        answer = self._request("POST", "/v1/numbers/papers", body=fields, files=files)
        if isinstance(answer, dict):  # tolerated: one document, or {"items": [...]}
            answer = answer.get("items", [answer])
        return [d for d in answer or [] if isinstance(d, dict)]


def _message_body(
    sender: str,
    to: str,
    text: str,
    media: list[str] | None,
    callback_url: str | None,
    validity: int | None,
    tag: str,
) -> dict[str, Any]:
    if not tag:
        raise ValueError("a message send needs a unique tag to reconcile an unknown outcome")
    body: dict[str, Any] = {
        "from": sender,
        "to": to,
        "message_body": {"text": text, "media": list(media) if media else None},
        "tag": tag,
    }
    if callback_url:
        body["callback_url"] = callback_url
    if validity is not None:
        body["validity"] = validity
    return body


def _number_changes(
    destinations: list[dict] | None, sms_enabled: bool | None, sms_relay_url: str | None
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if destinations is not None:
        changes["destinations"] = destinations
    if sms_enabled is not None:
        changes["sms_enabled"] = sms_enabled
    if sms_relay_url is not None:
        changes["sms_relay_url"] = sms_relay_url
    if not changes:
        raise ValueError("nothing to change: give destinations, sms_enabled or sms_relay_url")
    return changes


def _sms_filter(sms_enabled: bool | None) -> dict[str, object]:
    # Wavix can only narrow to SMS-capable numbers; "not SMS-capable" is not a filter it has.
    return {"text_enabled_only": True} if sms_enabled else {}


def walk_pages(read: Callable[[int], Page]) -> Iterator[Page]:
    """Every page that `read(number)` gives, from the first to the last, one request each
    and only as the caller goes on (a GET list or a POST search alike)."""
    number = 1
    while True:
        page = read(number)
        yield page
        # An empty page ends the walk too, so a wrong total cannot loop forever.
        if not page.items or number >= page.total_pages:
            return
        number += 1


def _numbers(numbers: list[str]) -> list[str]:
    if not numbers:
        raise ValueError("at least one phone number is needed")
    return [str(n) for n in numbers]


# The spec's TranscriptionFilter: who said it, and how a phrase counts (all, any, none). The
# portal's speech search (trunks/speech.py) uses these same names.
SPEAKERS = ("agent", "client", "any")
CRITERIA = ("must", "match", "exclude")


def _transcription_filter(given: Mapping[str, Any] | None) -> dict[str, dict[str, list[str]]]:
    """The spec's TranscriptionFilter: every speaker present (it requires them), each with
    the lists given."""
    given = given or {}
    out: dict[str, dict[str, list[str]]] = {}
    for speaker in SPEAKERS:
        lists = given.get(speaker) or {}
        out[speaker] = {c: [str(p) for p in lists[c]] for c in CRITERIA if lists.get(c)}
    return out


def _recording_days(date_from, date_to) -> dict[str, str]:
    days = {}
    if date_from is not None:
        days["from_date"] = _day(date_from)
    if date_to is not None:
        days["to_date"] = _day(date_to)
    return days


def _cdr_params(
    date_from: date | datetime | str,
    date_to: date | datetime | str,
    direction: str,
    filters: Mapping[str, Any],
) -> dict[str, Any]:
    if direction not in CDR_DIRECTIONS:
        raise ValueError(f"direction must be one of {CDR_DIRECTIONS}, not {direction!r}")
    return {"from": _day(date_from), "to": _day(date_to), "type": direction, **filters}


__all__ = [
    "Page",
    "RecordingStream",
    "WavixAccount",
    "WavixClient",
    "new_session",
    "session_for_account",
]
