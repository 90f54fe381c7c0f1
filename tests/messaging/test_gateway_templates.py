"""The templated gateway's wire format, as a pure module: any text survives the payload
template escaped for its content type; JSON only with POST; a template that cannot render to
JSON names itself; success, the message id and the balance read from an answer."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messaging import gateway_presets
from messaging import gateway_templates as gt

JSON_TEMPLATE = '{"from": "%FROM%", "to": "%TO%", "body": "%MESSAGE%"}'
FORM_TEMPLATE = "to=%TO%&from=%FROM%&message=%MESSAGE%"
TRICKY = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(['"quoted"', "a\nb\r\nc", "x&y=z", "%TO%", "€ 😀 ñ", "\\", "+1 2"])


@given(TRICKY, TRICKY)
def test_any_text_renders_to_a_json_payload_that_decodes_back_exactly(text, sender):
    rendered = gt.render(JSON_TEMPLATE, gt.JSON, to="15551234567", sender=sender, text=text)
    assert json.loads(rendered) == {"from": sender, "to": "15551234567", "body": text}


@given(TRICKY, TRICKY)
def test_any_text_renders_to_a_form_payload_that_decodes_back_exactly(text, sender):
    rendered = gt.render(FORM_TEMPLATE, gt.FORM, to="15551234567", sender=sender, text=text)
    fields = parse_qs(rendered, keep_blank_values=True)
    assert fields == {"to": ["15551234567"], "from": [sender], "message": [text]}


def test_a_text_that_reads_like_a_placeholder_is_sent_as_written():
    rendered = gt.render(JSON_TEMPLATE, gt.JSON, to="1555", sender="%MESSAGE%", text="%TO%")
    assert json.loads(rendered) == {"from": "%MESSAGE%", "to": "1555", "body": "%TO%"}


def test_get_puts_the_form_payload_in_the_query_string():
    payload = gt.render(FORM_TEMPLATE, gt.FORM, to="1555", sender="1666", text="a&b c")
    url = gt.send_url("https://gw.example/send?key=1", "GET", payload)
    assert parse_qs(urlsplit(url).query) == {
        "key": ["1"],
        "to": ["1555"],
        "from": ["1666"],
        "message": ["a&b c"],
    }
    assert gt.send_url("https://gw.example/send", "POST", payload) == "https://gw.example/send"


def test_json_is_refused_with_get_naming_the_rule():
    with pytest.raises(gt.TemplateError) as refused:
        gt.check_content_type("GET", gt.JSON)
    assert refused.value.field == "content_type"
    assert "JSON can be used only with the POST method" in refused.value.message
    assert gt.check_content_type("GET", gt.FORM) == gt.FORM


def test_a_template_that_does_not_render_to_json_is_named_with_the_rule():
    with pytest.raises(gt.TemplateError) as refused:
        gt.check_template('{"to": %TO%, "body": "%MESSAGE%"', gt.JSON)
    assert refused.value.field == "payload"
    assert '“{"to": %TO%, "body": "%MESSAGE%"”' in refused.value.message
    assert "does not render to JSON" in refused.value.message


def test_a_template_without_the_message_is_refused():
    with pytest.raises(gt.TemplateError, match="must contain %MESSAGE%"):
        gt.check_template("to=%TO%", gt.FORM)


def test_each_preset_template_passes_its_own_check():
    for name in gateway_presets.PRESETS:
        values = gateway_presets.preset(name)
        assert gt.check_template(values["payload"], values["content_type"])
        gt.check_content_type(values["method"], values["content_type"])


def test_header_lines_are_pairs_and_a_bad_line_is_named_without_its_value():
    assert gt.parse_headers("Authorization: Basic abc\n\nX-Key:  k1 ") == [
        ("Authorization", "Basic abc"),
        ("X-Key", "k1"),
    ]
    with pytest.raises(gt.TemplateError) as refused:
        gt.parse_headers("Authorization: Basic abc\nno colon secret-value")
    assert "Header line 2" in refused.value.message
    assert "secret-value" not in refused.value.message
    with pytest.raises(gt.TemplateError, match="placeholder"):
        gt.parse_headers("Authorization: Basic <base64 of id:secret>")


@pytest.mark.parametrize(
    ("status", "text", "success", "accepted"),
    [
        (201, "[]", "", True),
        (200, '{"messages":[{"accepted":true}]}', '"accepted":true', True),
        (200, '{"messages":[{"accepted":false}]}', '"accepted":true', False),
        (400, '"accepted":true', '"accepted":true', False),
        (500, "", "", False),
    ],
)
def test_success_is_a_2xx_holding_the_success_text(status, text, success, accepted):
    assert gt.is_success(status, text, success) is accepted


@pytest.mark.parametrize(
    ("answer", "path", "found"),
    [
        ('{"id": "a1"}', "id", "a1"),
        ('{"data": [{"id": 7}]}', "data.0.id", "7"),
        ('{"messages":[{"apiMessageId":"c9","accepted":true}]}', "messages[0].apiMessageId", "c9"),
        ('[{"id": "b2"}]', "[0].id", "b2"),
        ("OK: 12345 queued", r"re:OK: (\d+)", "12345"),
        ('{"id": "a1"}', "data.0.id", None),
        ("not json", "id", None),
    ],
)
def test_the_message_id_is_picked_by_path_or_regex(answer, path, found):
    assert gt.pick(answer, path) == found


def test_a_path_that_is_not_one_is_refused():
    with pytest.raises(gt.TemplateError, match="not a field path"):
        gt.check_path("id_path", "a..b")
    with pytest.raises(gt.TemplateError, match="does not compile"):
        gt.check_path("id_path", "re:(")


@pytest.mark.parametrize(
    ("answer", "field", "balance"),
    [
        ('{"credits": {"balance": 12.34}}', "credits.balance", Decimal("12.34")),
        ('{"id": 9, "balance": 100.5, "currency": "USD"}', "", Decimal("9")),
        ('{"id": 9, "balance": 100.5}', "balance", Decimal("100.5")),
        ("Your credit: 42.10 EUR", "", Decimal("42.10")),
        ("balance=3.5&currency=AUD", "balance", Decimal("3.5")),
        ('{"balance": "-1.25"}', "balance", Decimal("-1.25")),
    ],
)
def test_the_balance_is_the_field_or_the_first_number(answer, field, balance):
    assert gt.parse_balance(answer, field) == balance


def test_an_answer_without_the_balance_says_so():
    with pytest.raises(gt.TemplateError, match="no balance field “credits.balance”"):
        gt.parse_balance('{"error": "nope"}', "credits.balance")
    with pytest.raises(gt.TemplateError, match="no number"):
        gt.parse_balance("unauthorised", "")
