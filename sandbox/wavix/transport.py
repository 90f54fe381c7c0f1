"""A requests transport adapter that hands requests to this process's Django WSGI handler, with
no socket: mount it on a session for a made-up base URL and the sandbox answers in-process,
inside the caller's thread and so on its database connection (a pytest-django test
transaction sees, and rolls back, everything the sandbox writes).

    transport = SandboxTransport()
    session = requests.Session()
    session.mount("http://wavix-sandbox.test/", transport)
    session.get("http://wavix-sandbox.test/wavix-sandbox/v1/numbers", headers=auth)
    transport.request_count  # HTTP requests made, for benchmarks
"""

from __future__ import annotations

import io
import sys
import threading
import time
from http import HTTPStatus
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http.request import validate_host
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.response import HTTPResponse

from .faults import CLIENT_TIMEOUT_KEY

_lock = threading.Lock()
_users = 0


class _KeepConnections:
    """Django closes "old" database connections at the start and end of each request, which
    inside a test transaction would close the test's own connection. As Django's test client
    does, keep them open while in-process requests run (counted, for concurrent threads)."""

    def __enter__(self) -> None:
        global _users
        with _lock:
            if _users == 0:
                request_started.disconnect(close_old_connections)
                request_finished.disconnect(close_old_connections)
            _users += 1

    def __exit__(self, *exc) -> None:
        global _users
        with _lock:
            _users -= 1
            if _users == 0:
                request_started.connect(close_old_connections)
                request_finished.connect(close_old_connections)


def _read_timeout(timeout) -> float | None:
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    return float(timeout) if timeout is not None else None


def _host(netloc: str) -> str:
    """The base URL's host is made up; Django would refuse it as not in ALLOWED_HOSTS, so a
    host it accepts stands in (the sandbox never looks at the host)."""
    host = netloc.rpartition("@")[2]
    allowed = settings.ALLOWED_HOSTS
    if validate_host(host.split(":")[0], allowed):
        return host
    concrete = [h for h in allowed if h and not h.startswith(".") and h != "*"]
    return concrete[0] if concrete else "localhost"


def _body(prepared: requests.PreparedRequest) -> bytes:
    data = prepared.body
    if data is None:
        return b""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes):
        return data
    if hasattr(data, "read"):
        return data.read()
    return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in data)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class SandboxTransport(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.handler = WSGIHandler()
        self.request_count = 0  # requests sent, for benchmarks to report
        self._count_lock = threading.Lock()

    def environ(self, prepared: requests.PreparedRequest, timeout) -> dict:
        url = urlsplit(prepared.url)
        body = _body(prepared)
        environ = {
            "REQUEST_METHOD": prepared.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(url.path or "/").decode("iso-8859-1"),
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            CLIENT_TIMEOUT_KEY: _read_timeout(timeout),
        }
        for name, value in prepared.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        environ["HTTP_HOST"] = _host(url.netloc)
        return environ

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        with self._count_lock:
            self.request_count += 1
        started = time.monotonic()
        captured: dict = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        with _KeepConnections():
            result = self.handler(self.environ(request, timeout), start_response)
            try:
                content = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        limit = _read_timeout(timeout)
        if limit is not None and time.monotonic() - started > limit:
            raise requests.exceptions.ReadTimeout(
                f"Sandbox did not answer within {limit} seconds", request=request
            )
        return self.build_response(request, captured, content)

    def build_response(self, request, captured: dict, content: bytes) -> requests.Response:
        response = requests.Response()
        response.status_code = int(captured["status"].split(" ", 1)[0])
        response.reason = _reason(response.status_code)
        response.headers = CaseInsensitiveDict(captured["headers"])
        response.encoding = get_encoding_from_headers(response.headers)
        response._content = content
        # As a real answer's: a urllib3 response, which a streaming reader reads in bounded
        # chunks (`raw.read(n, decode_content=True)`, as messaging/providers/http.py does).
        response.raw = HTTPResponse(
            body=io.BytesIO(content),
            headers=captured["headers"],
            status=response.status_code,
            preload_content=False,
        )
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        """Nothing to release: there is no connection pool."""
