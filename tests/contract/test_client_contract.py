"""Every WavixClient method sends what Wavix's spec allows and understands what it documents.

Each method is called once through a fake transport that answers with the spec's own example
for the operation (or a minimal valid body where the spec has none); every request the client
sent and every answer it got are checked against the spec plus tests/contract/
wavix-supplement.json (the operations the spec lacks, from Wavix's docs and SDKs).
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from portal.wavix.client import Page, WavixClient

from . import spec

# Under a path prefix, as the sandbox is: the validator must see the Wavix path behind it.
BASE_URL = "https://wavix.test/wavix-api"
METHODS = ("get", "put", "post", "delete", "patch")


@lru_cache(maxsize=1)
def merged_spec() -> dict:
    """The raw spec with the supplement merged, as tests/contract/spec.py merges it."""
    raw = json.loads(spec.SPEC.read_text())
    extra = json.loads(spec.SUPPLEMENT.read_text())
    raw["paths"].update(extra["paths"])
    for section, items in extra["components"].items():
        raw["components"].setdefault(section, {}).update(items)
    return raw


@lru_cache(maxsize=1)
def routes() -> list[tuple[re.Pattern, str]]:
    # Literal paths first: /v3/messages/opt-outs must not be taken for /v3/messages/{id}.
    templates = sorted(merged_spec()["paths"], key=lambda t: (t.count("{"), t))
    return [
        (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(t)) + "$"), t)
        for t in templates
    ]


def template_for(path: str, method: str) -> str:
    for pattern, template in routes():
        if pattern.match(path) and method in merged_spec()["paths"][template]:
            return template
    raise AssertionError(f"{method.upper()} {path} is in neither the spec nor the supplement")


def number_example() -> dict:
    content = merged_spec()["paths"]["/v1/numbers/{id}"]["get"]["responses"]["200"]["content"]
    return next(iter(content["application/json"]["examples"].values()))["value"]


# The spec documents these answers without an example.
MINIMAL_ANSWERS: dict[tuple[str, str], Callable[[], tuple[int, Any]]] = {
    ("patch", "/v1/numbers"): lambda: (200, {"items": [number_example()]}),
    ("patch", "/v1/numbers/{id}"): lambda: (200, number_example()),
    # The guide's empty answer: the supplement also allows the SDKs' {"success": true}.
    ("delete", "/v1/e911-records"): lambda: (204, None),
    # The recording's address is the answer's Location header (below), not a body.
    ("get", "/v1/recordings/{call_id}"): lambda: (200, None),
}
# Where the spec's recording answer points: the file itself is no Wavix API operation.
RECORDING_FILE = "/files/recording.wav"


def documented_answer(method: str, template: str) -> tuple[int, Any]:
    if (method, template) in MINIMAL_ANSWERS:
        return MINIMAL_ANSWERS[method, template]()
    responses = merged_spec()["paths"][template][method]["responses"]
    status = min(code for code in responses if code.startswith("2"))
    content = responses[status].get("content", {}).get("application/json", {})
    if "examples" in content:
        return int(status), next(iter(content["examples"].values()))["value"]
    if "example" in content:
        return int(status), content["example"]
    raise AssertionError(f"no example for {method.upper()} {template}: add a minimal answer")


class SpecWavix(BaseAdapter):
    """A transport that answers each request with the spec's documented success answer and
    keeps every exchange."""

    def __init__(self) -> None:
        super().__init__()
        self.exchanges: list[tuple[requests.PreparedRequest, requests.Response]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        path = urlsplit(request.url).path.removeprefix(urlsplit(BASE_URL).path)
        method = request.method.lower()
        if path == RECORDING_FILE:
            return self.recording_file(request)
        template = template_for(path, method)
        status, body = documented_answer(method, template)
        response = requests.Response()
        response.status_code = status
        response.reason = "OK"
        response.url = request.url
        response.request = request
        response.headers = CaseInsensitiveDict()
        if body is not None:
            response._content = json.dumps(body).encode()
            response.headers["Content-Type"] = "application/json"
        else:
            response._content = b""
        if template == "/v1/recordings/{call_id}":
            response.headers["Location"] = BASE_URL + RECORDING_FILE
        self.exchanges.append((request, response))
        return response

    @staticmethod
    def recording_file(request: requests.PreparedRequest) -> requests.Response:
        response = requests.Response()
        response.status_code, response.reason, response.url = 200, "OK", request.url
        response.request = request
        response.headers = CaseInsensitiveDict({"Content-Type": "audio/wav"})
        response.raw = io.BytesIO(b"RIFF....WAVE")
        return response

    def close(self) -> None:
        pass


ADDRESS = {
    "street_number": "12",
    "street": "Michigan Ave",
    "location": "Lobby",
    "city": "Chicago",
    "state": "IL",
    "zip_code": "60603",
    "zip_plus_four": "606031234",
}
TRUNK = {
    "label": "Acme PBX",
    "password": "s3cret-Passw0rd",
    "callerid": "12565378257",
    "ip_restrict": False,
    "didinfo_enabled": False,
    "call_restrict": False,
    "cost_limit": False,
    "channels_restrict": True,
    "max_channels": 10,
    "rewrite_enabled": False,
    "transcription_enabled": False,
    "transcription_threshold": 0,
}
DESTINATIONS = [{"destination": "sip:acme@pbx.example", "priority": 1, "transport": 1}]
CALL_ID = "99df5ffd-962a-410f-bcce-d08f1f7f328c"
SENDER_ID = "fc34ba88-1eee-476e-b09e-dae63dc441e0"


def via_account(client: WavixClient) -> Any:
    account = SimpleNamespace(pk="contract", base_url=BASE_URL, api_key="k", auth_mode="bearer")
    other = WavixClient.for_account(account, sleep=client.sleep)
    other.session.mount(BASE_URL, client.session.get_adapter(BASE_URL))
    return other.get_profile()


# (method, call, what it returns)
CALLS: list[tuple[str, Callable[[WavixClient], Any], type | tuple[type, ...]]] = [
    ("for_account", via_account, dict),
    ("iter_pages", lambda c: list(c.iter_pages("/v1/numbers", "items", {"search": "256"})), list),
    ("get_profile", lambda c: c.get_profile(), dict),
    (
        "update_profile",
        lambda c: c.update_profile(
            sms_relay_url="https://portal.example/hooks/sms",
            dlr_relay_url="https://portal.example/hooks/dlr",
        ),
        dict,
    ),
    ("list_numbers", lambda c: c.list_numbers(page=2, per_page=25, label="ALEX"), Page),
    ("iter_numbers", lambda c: list(c.iter_numbers(per_page=25)), list),
    ("get_number", lambda c: c.get_number(123), dict),
    (
        "update_numbers",
        lambda c: c.update_numbers(
            [123, 456],
            destinations=DESTINATIONS,
            sms_enabled=True,
            sms_relay_url="https://portal.example/hooks/sms/123",
        ),
        list,
    ),
    ("update_number", lambda c: c.update_number(123, sms_enabled=False), dict),
    (
        "upload_number_document",
        lambda c: c.upload_number_document(
            did_ids=[123, 456],
            doc_type=1,
            file_name="passport.png",
            content=b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
            content_type="image/png",
        ),
        list,
    ),
    ("return_numbers", lambda c: c.return_numbers([123, 456]), dict),
    ("list_countries", lambda c: c.list_countries(sms_enabled=True), list),
    ("list_regions", lambda c: c.list_regions(1892), list),
    (
        "list_cities",
        lambda c: [c.list_cities(1891), c.list_cities(1891, region_id=821, sms_enabled=True)],
        list,
    ),
    (
        "list_numbers_for_sale",
        lambda c: c.list_numbers_for_sale(1891, 42, sms_enabled=True, per_page=50),
        Page,
    ),
    ("get_cart", lambda c: c.get_cart(), dict),
    ("add_to_cart", lambda c: c.add_to_cart(["541139862174"]), list),
    ("remove_from_cart", lambda c: c.remove_from_cart(["541139862174"]), dict),
    ("checkout", lambda c: c.checkout(["541139862174"]), dict),
    ("list_trunks", lambda c: c.list_trunks(), list),
    ("get_trunk", lambda c: c.get_trunk(3107), dict),
    ("create_trunk", lambda c: c.create_trunk(TRUNK), dict),
    ("replace_trunk", lambda c: c.replace_trunk(3107, TRUNK), dict),
    ("delete_trunk", lambda c: c.delete_trunk(3107), type(None)),
    ("sender_id_self_service", lambda c: c.sender_id_self_service("US", "numeric"), bool),
    (
        "create_sender_id",
        lambda c: c.create_sender_id(
            {
                "sender_id": "Acme",
                "type": "alphanumeric",
                "countries": ["GB"],
                "usecase": "transactional",
                "monthly_volume": "1-1000",
                "samples": ["Your code is 1234"],
            }
        ),
        dict,
    ),
    ("list_sender_ids", lambda c: c.list_sender_ids(), list),
    ("get_sender_id", lambda c: c.get_sender_id(SENDER_ID), dict),
    ("delete_sender_id", lambda c: c.delete_sender_id(SENDER_ID), type(None)),
    (
        "send_message",
        lambda c: c.send_message(
            sender="12565378257",
            to="16419252149",
            text="Hello",
            media=["https://portal.example/cat.png"],
            callback_url="https://portal.example/hooks/dlr",
            validity=3600,
            tag="msg-0001",
        ),
        dict,
    ),
    (
        "send_message_once",
        lambda c: c.send_message_once(
            sender="12565378257",
            to="16419252149",
            text="Hello",
            callback_url="https://portal.example/hooks/dlr",
            validity=3600,
            tag="msg-0002",
        ),
        dict,
    ),
    ("get_message", lambda c: c.get_message("3a525ca2-6909-4c72-9399-905adf7f3a74"), dict),
    (
        "list_messages",
        lambda c: c.list_messages(
            sent_after=date(2026, 1, 1), status="delivered", tag="campaignX", from_="15072429497"
        ),
        Page,
    ),
    ("find_message_by_tag", lambda c: c.find_message_by_tag("msg-0001"), (dict, type(None))),
    ("create_opt_out", lambda c: c.create_opt_out("16419252149", sender_id="12565378257"), dict),
    ("list_opt_outs", lambda c: c.list_opt_outs(sender_id="12565378257"), list),
    (
        "validate_e911_address",
        lambda c: c.validate_e911_address(
            phone_number="18778230012", name="Headquarters", address=ADDRESS
        ),
        dict,
    ),
    (
        "create_e911_record",
        lambda c: c.create_e911_record(
            phone_number="18778230012", name="Headquarters", address=ADDRESS
        ),
        dict,
    ),
    ("list_e911_records", lambda c: c.list_e911_records(phone_number="18778230012"), list),
    ("delete_e911_record", lambda c: c.delete_e911_record("18778230012"), type(None)),
    (
        "list_cdrs",
        lambda c: c.list_cdrs(
            date_from=date(2026, 6, 1),
            date_to=datetime(2026, 6, 30, 23, 59),
            direction="placed",
            disposition="answered",
            sip_trunk="12321",
        ),
        Page,
    ),
    (
        "iter_cdrs",
        lambda c: list(
            c.iter_cdrs(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30), direction="received")
        ),
        list,
    ),
    # --- recordings and transcripts ---
    ("get_cdr", lambda c: c.get_cdr(CALL_ID, show_transcription=True), dict),
    ("get_transcription", lambda c: c.get_transcription(CALL_ID), dict),
    (
        "retranscribe",
        lambda c: c.retranscribe(
            CALL_ID, webhook_url="https://portal.example/hooks/transcriptions/t0k3n/", language="en"
        ),
        dict,
    ),
    (
        "search_transcriptions",
        lambda c: c.search_transcriptions(
            date_from=date(2026, 6, 1),
            date_to=date(2026, 6, 30),
            direction="placed",
            transcription={"agent": {"must": ["invoice"]}, "any": {"exclude": ["refund"]}},
            per_page=50,
        ),
        Page,
    ),
    (
        "iter_transcription_search",
        lambda c: list(
            c.iter_transcription_search(
                date_from=date(2026, 6, 1),
                date_to=date(2026, 6, 30),
                direction="received",
                transcription={"client": {"match": ["appointment", "booking"]}},
            )
        ),
        list,
    ),
    (
        "list_recordings",
        lambda c: c.list_recordings(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)),
        Page,
    ),
    ("iter_recordings", lambda c: list(c.iter_recordings(date_from=date(2026, 6, 1))), list),
    ("open_recording", lambda c: b"".join(c.open_recording(CALL_ID).chunks()), bytes),
    ("validate_number", lambda c: c.validate_number("971569483322", kind="analysis"), dict),
    ("validate_numbers", lambda c: c.validate_numbers(["971501390098", "971504359195"]), dict),
    ("get_validation", lambda c: c.get_validation("12542c5c-1a17-4d12-a163-5b68543e75f6"), dict),
    (
        "trigger_voice_campaign",
        lambda c: c.trigger_voice_campaign(3212, "16729923812", "13123310912"),
        dict,
    ),
    ("get_voice_campaign", lambda c: c.get_voice_campaign(2321423), dict),
]


@pytest.fixture(scope="session")
def openapi():
    return spec.openapi()  # ~3 s: loaded once, before the first parametrized case


@pytest.fixture
def wavix(openapi) -> tuple[WavixClient, SpecWavix]:
    client = WavixClient(base_url=BASE_URL, api_key="contract-key", timeout=2, sleep=lambda s: None)
    transport = SpecWavix()
    client.session.mount(BASE_URL, transport)
    return client, transport


@pytest.mark.parametrize(("method", "call", "returns"), CALLS, ids=[name for name, *_ in CALLS])
def test_requests_and_answers_match_wavix_spec(method, call, returns, wavix):
    client, transport = wavix
    result = call(client)

    assert isinstance(result, returns)
    assert transport.exchanges, f"{method} sent nothing"
    for prepared, response in transport.exchanges:
        if prepared.headers.get("Content-Type", "").startswith("multipart/form-data"):
            # openapi-core does not coerce a form's parts (every part is text or bytes), so
            # the parts are checked by name against the operation's required fields.
            assert multipart_names(prepared) >= multipart_required(prepared), method
        else:
            spec.validate_request(prepared, BASE_URL)
        spec.validate_response(prepared, response, BASE_URL)


def multipart_names(prepared) -> set[bytes]:
    return set(re.findall(rb'Content-Disposition: form-data; name="([^"]+)"', prepared.body))


def multipart_required(prepared) -> set[bytes]:
    path = "/" + urlsplit(prepared.url).path.removeprefix(urlsplit(BASE_URL).path).lstrip("/")
    operation = json.loads(spec.SPEC.read_text())["paths"][path][prepared.method.lower()]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    return {name.encode() for name in schema["required"]}


def test_every_public_client_method_is_checked_against_the_spec():
    public = {
        name
        for name, member in inspect.getmembers(WavixClient)
        if not name.startswith("_") and callable(member)
    }
    assert public == {name for name, *_ in CALLS}


def test_every_supplement_operation_is_exercised(wavix):
    client, transport = wavix
    for _, call, _ in CALLS:
        call(client)
    used = {
        (
            prepared.method.lower(),
            template_for(
                urlsplit(prepared.url).path.removeprefix("/wavix-api"), prepared.method.lower()
            ),
        )
        for prepared, _ in transport.exchanges
    }
    supplement = json.loads(spec.SUPPLEMENT.read_text())["paths"]
    documented = {(m, t) for t, item in supplement.items() for m in item if m in METHODS}
    assert documented <= used
