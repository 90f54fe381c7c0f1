"""The gateway channel's settings page: a preset fills the form; saving checks each setting
and names the field, the value and the rule (JSON only with POST, a template that does not
render to JSON, a bad header line, a URL that is not http(s)), keeping nothing; the custom
headers are stored encrypted, never shown again, and a blank on edit keeps them."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from messaging.models import Channel
from sandbox.gateways.credentials import HEADERS
from tests.conftest import login

from .conftest import FAKE, gateway_config

COMMON = {
    "name": "BulkSMS main",
    "is_active": "on",
    "rate": "1",
    "validity_days": "3",
    "max_segments": "10",
    "media_text": "",
    "inbound_allowlist": "",
    "numbers": "13325550300-13325550302",
    "balance_interval": "hour",
}


def form_data(**changes) -> dict:
    config = gateway_config("bulksms", headers=HEADERS["bulksms"], verify_tls="on")
    data = {**COMMON, **{k: v for k, v in config.items() if v is not None}, **changes}
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(world):
    return login(world.sysadmin)


def create(admin, **changes):
    return admin.post(reverse("platform:channel_create") + "?kind=gateway", form_data(**changes))


def test_a_preset_fills_the_form_with_its_gateway_settings(admin):
    page = admin.get(
        reverse("platform:channel_create"), {"kind": "gateway", "preset": "clickatell"}
    )
    text = page.content.decode()
    assert 'value="https://platform.clickatell.com/v1/message"' in text
    assert "messages[0].apiMessageId" in text and "&quot;accepted&quot;:true" in text
    assert 'href="?kind=gateway&amp;preset=burstsms"' in text


def test_a_channel_saved_from_the_form_sends_through_its_settings(admin):
    response = create(admin)
    assert response.status_code == 302
    channel = Channel.objects.get(name="BulkSMS main")
    assert channel.kind == "gateway" and channel.config["url"] == f"{FAKE}/bulksms/v1/messages"
    assert channel.config["balance_field"] == "credits.balance"
    assert channel.secrets() == {"headers": HEADERS["bulksms"]}
    assert "headers" not in channel.config
    assert channel.numbers == "13325550300-13325550302"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"method": "GET"}, "content_type", ["JSON can be used only with the POST method"]),
        (
            {"payload": '{"to": %TO%, "body": %MESSAGE%}'},
            "payload",
            ["“{&quot;to&quot;: %TO%, &quot;body&quot;: %MESSAGE%}”", "does not render to JSON"],
        ),
        ({"headers": "Authorization Basic abc"}, "headers", ["Header line 1", "Name: value"]),
        ({"url": "ftp://gw.example/send"}, "url", ["“ftp://gw.example/send”", "http://"]),
        ({"balance_interval": "week"}, "balance_interval", ["week"]),
        ({"id_path": "re:(["}, "id_path", ["does not compile"]),
        ({"balance_email": "not-mail"}, "balance_email", ["“not-mail” is not an e-mail"]),
    ],
)
def test_a_bad_setting_is_named_with_its_value_and_rule_and_nothing_is_saved(
    admin, changes, field, words
):
    response = create(admin, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    text = response.content.decode()
    for word in words:
        assert word in text
    assert not Channel.objects.filter(kind="gateway").exists()


def test_the_headers_are_never_shown_again_and_a_blank_keeps_them(admin):
    create(admin)
    channel = Channel.objects.get(name="BulkSMS main")
    url = reverse("platform:channel_edit", args=[channel.pk])
    page = admin.get(url).content.decode()
    secret = HEADERS["bulksms"].split()[-1]
    assert secret not in page and "leave blank" in page
    data = form_data(headers="", success_text="SENT")
    assert admin.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert channel.config["success_text"] == "SENT"
    assert channel.secrets()["headers"] == HEADERS["bulksms"]
    admin.post(url, form_data(headers="X-Api-Key: another-key-123"))
    channel.refresh_from_db()
    assert json.loads(channel.credentials) == {"headers": "X-Api-Key: another-key-123"}


def test_settings_of_any_json_type_are_checked_not_crashed_on():
    from django.core.exceptions import ValidationError

    from messaging.providers.gateway import GatewayProvider

    with pytest.raises(ValidationError) as refused:
        GatewayProvider.clean_settings(
            {"url": 12, "method": ["POST"], "content_type": None, "payload": {"a": 1}},
            {"headers": 5},
        )
    errors = refused.value.message_dict
    assert "“12”" in errors["url"][0] and "GET or POST" in errors["method"][0]
    assert set(errors) >= {"url", "method", "payload", "headers"}


def test_the_fake_gateways_page_sets_a_balance_and_refuses_a_bad_one(db, client):
    from sandbox.gateways.services import account_of

    page = client.get("/gateway-sandbox/")
    assert page.status_code == 200 and "BurstSMS" in page.content.decode()
    saved = client.post(
        "/gateway-sandbox/",
        {"gateway": "burstsms", "balance": "4.50", "dlr_url": "", "fail_next": "0"},
    )
    assert saved.status_code == 302 and account_of("burstsms").balance == Decimal("4.50")
    bad = client.post("/gateway-sandbox/", {"gateway": "burstsms", "balance": "lots"})
    assert bad.status_code == 400 and account_of("burstsms").balance == Decimal("4.50")
