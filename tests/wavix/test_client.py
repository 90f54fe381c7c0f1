"""What a user of the Wavix client notices: lists come back whole, failures arrive as typed
errors carrying Wavix's message, transient failures are retried where that is safe, a message
is never sent twice, and the API key shows up nowhere."""

from __future__ import annotations

import json
import logging
import socket
import traceback
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from portal.wavix.client import WavixClient
from portal.wavix.errors import (
    WavixAuthError,
    WavixError,
    WavixNetworkError,
    WavixNotFound,
    WavixNotProvisioned,
    WavixRateLimited,
    WavixServerError,
    WavixValidationError,
)

BASE_URL = "https://wavix.test"
KEY = "wx-live-7Qm2Zr9Kp4Ld8Vt3"
TRUNK = {"label": "Acme PBX", "password": "pw", "callerid": "12565378257"}

Reply = tuple | BaseException | Callable[[requests.PreparedRequest], Any]


def answer(request: requests.PreparedRequest, status: int, body: Any = None, headers=None):
    response = requests.Response()
    response.status_code = status
    response.url = request.url
    response.request = request
    response.headers = CaseInsensitiveDict(headers or {})
    if isinstance(body, str):
        response._content = body.encode()
    elif body is not None:
        response._content = json.dumps(body).encode()
        response.headers.setdefault("Content-Type", "application/json")
    else:
        response._content = b""
    return response


class ScriptedWavix(BaseAdapter):
    """Answers requests with scripted replies, in order: `(status, body[, headers])`, an
    exception to raise, or a function of the request returning one of those."""

    def __init__(self, *replies: Reply) -> None:
        super().__init__()
        self.replies = list(replies)
        self.requests: list[requests.PreparedRequest] = []
        self.timeouts: list[Any] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        self.timeouts.append(kwargs.get("timeout"))
        assert self.replies, f"unexpected request {request.method} {request.path_url}"
        reply = self.replies.pop(0)
        if callable(reply) and not isinstance(reply, BaseException):
            reply = reply(request)
        if isinstance(reply, BaseException):
            raise reply
        return answer(request, *reply)

    def close(self):
        pass

    def calls(self, method: str | None = None) -> list[tuple[str, str, dict]]:
        """(method, path, query) of each request, optionally of one method."""
        found = []
        for r in self.requests:
            url = urlsplit(r.url)
            if method in (None, r.method):
                found.append((r.method, url.path, parse_qs(url.query)))
        return found


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def wavix():
    """`wavix(*replies, **client_kwargs)` -> (client, transport, sleeps)."""

    def make(*replies: Reply, **kwargs: Any):
        sleeps = Sleeps()
        kwargs.setdefault("api_key", KEY)
        client = WavixClient(base_url=BASE_URL, sleep=sleeps, timeout=7, **kwargs)
        transport = ScriptedWavix(*replies)
        client.session.mount(BASE_URL, transport)
        return client, transport, sleeps

    return make


def page_of(key: str, items: list, page: int, total_pages: int, per_page: int = 2) -> tuple:
    pagination = {
        "current_page": page,
        "per_page": per_page,
        "total": total_pages * per_page,
        "total_pages": total_pages,
    }
    return (200, {key: items, "pagination": pagination})


def message(tag: str, message_id: str = "m-1") -> dict:
    return {"message_id": message_id, "tag": tag, "status": "accepted", "segments": 1}


# --- paging -----------------------------------------------------------------------------------


def test_every_page_of_trunks_is_fetched_one_request_per_page(wavix):
    client, transport, _ = wavix(
        page_of("sip_trunks", [{"id": 1}, {"id": 2}], 1, 3),
        page_of("sip_trunks", [{"id": 3}, {"id": 4}], 2, 3),
        page_of("sip_trunks", [{"id": 5}], 3, 3),
    )

    trunks = client.list_trunks()

    assert [t["id"] for t in trunks] == [1, 2, 3, 4, 5]
    assert [q["page"] for _, _, q in transport.calls()] == [["1"], ["2"], ["3"]]


def test_iterating_cdrs_yields_each_page_with_its_pagination(wavix):
    client, transport, _ = wavix(
        page_of("items", [{"uuid": "a"}], 1, 2, per_page=1),
        page_of("items", [{"uuid": "b"}], 2, 2, per_page=1),
    )

    pages = list(
        client.iter_cdrs(
            date_from="2026-06-01", date_to="2026-06-30", direction="placed", per_page=1
        )
    )

    assert [(p.page, p.total_pages, p.has_next) for p in pages] == [(1, 2, True), (2, 2, False)]
    assert len(transport.requests) == 2
    assert transport.calls()[0][2]["from"] == ["2026-06-01"]


def test_a_list_with_no_trunks_is_empty_not_an_error(wavix):
    client, _, _ = wavix(page_of("sip_trunks", None, 1, 1))

    assert client.list_trunks() == []


def test_an_oversized_page_is_refused_before_calling_wavix(wavix):
    client, transport, _ = wavix()

    with pytest.raises(ValueError, match="per_page"):
        client.list_numbers(per_page=500)
    assert transport.requests == []


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, WavixValidationError),
        (401, WavixAuthError),
        (403, WavixNotProvisioned),
        (404, WavixNotFound),
        (409, WavixError),
        (422, WavixValidationError),
        (429, WavixRateLimited),
        (500, WavixServerError),
        (503, WavixServerError),
    ],
)
def test_each_error_status_raises_its_own_error_with_wavix_message(wavix, status, error_type):
    client, _, _ = wavix(
        (status, {"success": False, "message": "Missing or invalid parameter label"}),
        max_retries=0,
    )

    with pytest.raises(error_type) as caught:
        client.create_trunk(TRUNK)

    error = caught.value
    assert type(error) is error_type
    assert (error.status, error.method, error.path) == (status, "POST", "/v1/trunks")
    assert error.message == "Missing or invalid parameter label"
    assert "Missing or invalid parameter label" in str(error)


def test_a_rejected_key_explains_what_to_check(wavix):
    client, _, _ = wavix((401, {"success": False, "error": True, "message": "Unauthorized"}))

    with pytest.raises(WavixAuthError) as caught:
        client.get_profile()

    text = str(caught.value)
    assert "Unauthorized" in text
    assert "the API key is wrong or disabled" in text
    assert "this server's IP address is not on the key's allow-list" in text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<html><body>Bad Gateway</body></html>", "<html><body>Bad Gateway</body></html>"),
        ({"error": "upstream unavailable"}, "upstream unavailable"),
        (None, "HTTP 502"),
    ],
    ids=["html", "other-json", "empty"],
)
def test_error_bodies_other_than_wavix_json_still_give_a_message(wavix, body, expected):
    client, _, _ = wavix((502, body), max_retries=0)

    with pytest.raises(WavixServerError) as caught:
        client.get_profile()

    assert caught.value.message == expected


def test_rate_limit_error_carries_retry_after(wavix):
    client, transport, sleeps = wavix(
        (429, {"message": "Too many requests"}, {"Retry-After": "120"})
    )

    with pytest.raises(WavixRateLimited) as caught:
        client.get_number(1)

    # Longer than the client waits inside a call: the caller schedules the retry instead.
    assert caught.value.retry_after == 120
    assert len(transport.requests) == 1 and sleeps == []


# --- retries ----------------------------------------------------------------------------------


def test_a_read_is_retried_after_5xx_and_429_until_it_succeeds(wavix):
    client, transport, sleeps = wavix(
        (503, {"success": False, "message": "down"}),
        (429, {"success": False, "message": "slow down"}, {"Retry-After": "2"}),
        (500, "oops"),
        (200, {"id": 7, "number": "12565378257"}),
    )

    assert client.get_number(7)["id"] == 7
    assert len(transport.requests) == 4
    assert len(sleeps) == 3
    assert sleeps[1] == 2.0  # Retry-After honoured
    # Backoff with full jitter: somewhere between 0 and 0.5 s, then 0 and 2 s.
    assert 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[2] <= 2.0


def test_retry_after_on_a_503_is_honoured(wavix):
    client, _, sleeps = wavix(
        (503, {"message": "maintenance"}, {"Retry-After": "4"}),
        (200, {"id": 1}),
    )

    assert client.get_profile() == {"id": 1}
    assert sleeps == [4.0]


def test_a_read_gives_up_after_max_retries(wavix):
    client, transport, sleeps = wavix(*[(503, {"message": "down"})] * 3, max_retries=2)

    with pytest.raises(WavixServerError):
        client.get_profile()
    assert len(transport.requests) == 3
    assert len(sleeps) == 2


def test_a_read_is_retried_after_a_timeout(wavix):
    client, transport, _ = wavix(requests.ReadTimeout("read timed out"), (200, {"id": 1}))

    assert client.get_profile() == {"id": 1}
    assert len(transport.requests) == 2


def test_creating_a_trunk_is_not_retried_after_a_4xx(wavix):
    client, transport, sleeps = wavix((422, {"success": False, "message": "label is taken"}))

    with pytest.raises(WavixValidationError, match="label is taken"):
        client.create_trunk(TRUNK)
    assert len(transport.requests) == 1
    assert sleeps == []


def test_creating_a_trunk_is_not_repeated_after_a_5xx(wavix):
    # A 5xx may come after Wavix made the trunk: a second POST could make a second one, so the
    # caller looks it up first (trunks/services/sync.py). An update (PUT) is repeated as before.
    client, transport, sleeps = wavix((503, {"message": "down"}), (200, {"id": 9}))

    with pytest.raises(WavixServerError):
        client.create_trunk(TRUNK)
    assert len(transport.requests) == 1 and sleeps == []
    assert client.replace_trunk(9, TRUNK) == {"id": 9}


def test_a_rate_limited_trunk_create_is_retried(wavix):
    client, transport, _ = wavix(
        (429, {"message": "slow down"}, {"Retry-After": "1"}), (201, {"id": 9})
    )

    assert client.create_trunk(TRUNK) == {"id": 9}
    assert len(transport.requests) == 2


def test_a_write_whose_outcome_is_unknown_is_not_repeated(wavix):
    client, transport, _ = wavix(requests.ReadTimeout("read timed out"))

    with pytest.raises(WavixNetworkError) as caught:
        client.replace_trunk(3107, TRUNK)
    assert caught.value.outcome_unknown is True
    assert len(transport.requests) == 1


def test_a_write_that_never_left_is_retried(wavix):
    client, transport, _ = wavix(requests.ConnectTimeout("connect timed out"), (201, {"id": 9}))

    assert client.create_trunk(TRUNK) == {"id": 9}
    assert len(transport.requests) == 2


def test_every_call_has_a_connect_and_a_read_timeout(wavix):
    client, transport, _ = wavix((200, {"id": 1}), (200, {"success": True}))

    client.get_profile()
    client.delete_trunk(1)

    assert transport.timeouts == [(5.0, 7.0), (5.0, 7.0)]


# --- message sending --------------------------------------------------------------------------


def send(client: WavixClient, tag: str = "msg-42") -> dict:
    return client.send_message(sender="12565378257", to="16419252149", text="Hi", tag=tag)


def test_a_send_that_timed_out_is_found_by_its_tag_and_not_sent_again(wavix):
    client, transport, _ = wavix(
        requests.ReadTimeout("read timed out"),
        page_of("items", [message("msg-42", "m-42")], 1, 1),
    )

    assert send(client)["message_id"] == "m-42"
    assert len(transport.calls("POST")) == 1
    _, path, query = transport.calls("GET")[0]
    assert path == "/v3/messages"
    assert query["tag"] == ["msg-42"] and query["type"] == ["outbound"]


def test_a_send_that_timed_out_and_is_not_at_wavix_is_sent_once_more(wavix):
    client, transport, _ = wavix(
        requests.ReadTimeout("read timed out"),
        page_of("items", [], 1, 1),
        (201, message("msg-42", "m-43")),
    )

    assert send(client)["message_id"] == "m-43"
    assert len(transport.calls("POST")) == 2


def test_a_send_still_unknown_after_the_second_attempt_raises_outcome_unknown(wavix):
    client, transport, _ = wavix(
        requests.ReadTimeout("read timed out"),
        page_of("items", [], 1, 1),
        requests.ConnectionError("Connection reset by peer"),
        page_of("items", [message("another-tag")], 1, 1),
    )

    with pytest.raises(WavixNetworkError) as caught:
        send(client)
    assert caught.value.outcome_unknown is True
    assert len(transport.calls("POST")) == 2


def test_a_send_answered_with_5xx_is_reconciled_not_repeated(wavix):
    client, transport, _ = wavix(
        (502, "Bad Gateway"),
        page_of("items", [message("msg-42", "m-42")], 1, 1),
    )

    assert send(client)["message_id"] == "m-42"
    assert len(transport.calls("POST")) == 1


def test_a_send_is_not_repeated_when_the_lookup_fails(wavix):
    client, transport, _ = wavix(
        requests.ReadTimeout("read timed out"),
        (401, {"message": "Unauthorized"}),
    )

    with pytest.raises(WavixNetworkError) as caught:
        send(client)
    assert caught.value.outcome_unknown is True
    assert len(transport.calls("POST")) == 1


def test_a_rate_limited_send_is_retried_after_the_delay(wavix):
    client, transport, sleeps = wavix(
        (429, {"message": "Too many requests"}, {"Retry-After": "3"}),
        (201, message("msg-42", "m-44")),
    )

    assert send(client)["message_id"] == "m-44"
    assert sleeps == [3.0]
    assert transport.calls("GET") == []  # refused outright: nothing to reconcile


def test_a_send_that_never_left_is_retried_without_a_lookup(wavix):
    client, transport, _ = wavix(
        requests.ConnectTimeout("connect timed out"), (201, message("msg-42", "m-45"))
    )

    assert send(client)["message_id"] == "m-45"
    assert len(transport.calls("POST")) == 2
    assert transport.calls("GET") == []


# --- the key ----------------------------------------------------------------------------------


def leak_url(request: requests.PreparedRequest) -> requests.ConnectionError:
    """A connection error worded as requests words it: with the URL, query included."""
    return requests.ConnectionError(
        f"HTTPSConnectionPool(host='wavix.test', port=443): Max retries exceeded with url: "
        f"{request.path_url} (Caused by ProtocolError('Connection aborted.'))"
    )


@pytest.mark.parametrize("auth_mode", ["bearer", "appid"])
def test_the_key_appears_in_no_log_line_error_or_repr(wavix, caplog, auth_mode):
    caplog.set_level(logging.DEBUG, logger="portal.wavix")
    client, _, _ = wavix(
        (200, {"id": 1}),
        (401, {"success": False, "message": f"Unauthorized key {KEY}"}),
        leak_url,
        auth_mode=auth_mode,
        max_retries=0,
    )

    client.get_profile()
    errors = []
    for call in (lambda: client.get_number(1), lambda: client.create_trunk(TRUNK)):
        with pytest.raises(WavixError) as caught:
            call()
        errors.append(caught.value)

    assert isinstance(errors[1], WavixNetworkError)
    assert caplog.records, "calls are logged"
    assert KEY not in caplog.text
    for error in errors:
        assert KEY not in str(error)
        assert KEY not in repr(error)
        assert KEY not in "".join(traceback.format_exception(error))
    assert KEY not in repr(client)
    assert KEY not in repr(vars(client))


def test_calls_are_logged_with_method_path_status_and_duration(wavix, caplog):
    caplog.set_level(logging.DEBUG, logger="portal.wavix")
    client, _, _ = wavix((200, {"items": []}), auth_mode="appid")

    client.list_e911_records(phone_number="18778230012")

    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith("wavix GET /v1/e911-records?phone_number=18778230012&page=1")
    assert " -> 200 (" in line and " ms, attempt 1)" in line


def test_appid_mode_sends_the_key_as_a_query_parameter_and_no_authorization_header(wavix):
    client, transport, _ = wavix((200, {"id": 1}), auth_mode="appid")

    client.get_profile()

    (request,) = transport.requests
    assert parse_qs(urlsplit(request.url).query)["appid"] == [KEY]
    assert "Authorization" not in request.headers


def test_bearer_mode_sends_the_key_in_the_authorization_header_only(wavix):
    client, transport, _ = wavix((200, {"id": 1}))

    client.get_profile()

    (request,) = transport.requests
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert "appid" not in request.url


# --- sessions ---------------------------------------------------------------------------------


def account(pk: int, key: str = KEY) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, base_url=BASE_URL, api_key=key, auth_mode="bearer")


def test_clients_for_the_same_account_share_one_connection_pool():
    first = WavixClient.for_account(account(1001))
    second = WavixClient.for_account(account(1001))

    assert second.session is first.session


def test_another_account_or_a_changed_key_gets_its_own_connection_pool():
    shared = WavixClient.for_account(account(1002)).session

    assert WavixClient.for_account(account(1003)).session is not shared
    assert WavixClient.for_account(account(1002, key="rotated-key")).session is not shared


# --- real sockets: how requests' own exceptions are read ----------------------------------------


@pytest.fixture
def silent_server():
    """A local port that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_write_that_timed_out_after_sending_is_reported_as_outcome_unknown(silent_server):
    client = WavixClient(
        base_url=silent_server, api_key=KEY, auth_mode="appid", timeout=0.2, sleep=Sleeps()
    )

    with pytest.raises(WavixNetworkError) as caught:
        client.create_trunk(TRUNK)

    assert caught.value.outcome_unknown is True
    assert KEY not in str(caught.value)


def test_a_refused_connection_is_reported_as_not_sent_and_retried(closed_port):
    sleeps = Sleeps()
    client = WavixClient(
        base_url=closed_port, api_key=KEY, auth_mode="appid", timeout=0.5, sleep=sleeps
    )

    with pytest.raises(WavixNetworkError) as caught:
        client.create_trunk(TRUNK)

    assert caught.value.outcome_unknown is False
    assert len(sleeps) == client.max_retries
    assert KEY not in str(caught.value)
