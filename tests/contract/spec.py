"""Wavix's official OpenAPI spec (vendored unchanged: wavix-api-2026-06-30.json), plus the
operations it lacks (wavix-supplement.json, from Wavix's docs and SDKs), as a validator of
requests and responses. The client's requests and the sandbox's responses are both checked
with it, so neither can drift from the real API."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

SPEC = Path(__file__).with_name("wavix-api-2026-06-30.json")
SUPPLEMENT = Path(__file__).with_name("wavix-supplement.json")
SERVER = "https://api.wavix.com"


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    spec = json.loads(SPEC.read_text())
    if SUPPLEMENT.exists():
        extra = json.loads(SUPPLEMENT.read_text())
        spec["paths"].update(extra.get("paths", {}))
        for section, items in extra.get("components", {}).items():
            spec.setdefault("components", {}).setdefault(section, {}).update(items)
    return OpenAPI.from_dict(spec)


def _as_wavix(prepared, base_url: str):
    """The same request as if sent to api.wavix.com (the sandbox lives under another base)."""
    url = urlsplit(prepared.url)
    base_path = urlsplit(base_url).path.rstrip("/")
    path = url.path[len(base_path) :] if base_path and url.path.startswith(base_path) else url.path
    server = urlsplit(SERVER)
    copy = prepared.copy()
    copy.url = urlunsplit((server.scheme, server.netloc, path, url.query, ""))
    return copy


def validate_request(prepared, base_url: str = SERVER) -> None:
    """Raises if the request (method, path, query, body) is not one the spec allows."""
    openapi().validate_request(RequestsOpenAPIRequest(_as_wavix(prepared, base_url)))


def validate_response(prepared, response, base_url: str = SERVER) -> None:
    """Raises if the response (status, body) is not one the spec documents for the request."""
    openapi().validate_response(
        RequestsOpenAPIRequest(_as_wavix(prepared, base_url)), RequestsOpenAPIResponse(response)
    )
