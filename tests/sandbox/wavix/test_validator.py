"""The sandbox's number validator: answers from phonenumbers (type, carrier, timezone, country,
formats), fields by depth as Wavix's table says, made-up network facts that vary by number and
never by call, and an asynchronous request that progresses over its polls."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.wavix import lookup

NETWORK_FIELDS = {"risky_destination", "timezone", "reachable", "roaming"}
ANALYSIS_FIELDS = {"number_type", "carrier_name", "mcc", "mnc", "ported", "unallocated_range"}


def test_deeper_types_add_the_fields_of_wavixs_table():
    fmt = lookup.validate("971569483322", "format")
    analysis = lookup.validate("971569483322", "analysis")
    full = lookup.validate("971569483322", "validation")
    assert fmt["national_format"] == "056 948 3322" and fmt["country_code"] == "AE"
    assert not (ANALYSIS_FIELDS | NETWORK_FIELDS) & fmt.keys()
    assert analysis.keys() >= ANALYSIS_FIELDS and not NETWORK_FIELDS & analysis.keys()
    assert full["carrier_name"] == "Etisalat" and full["timezone"] == "UTC+04:00"
    assert (full["mcc"], full["reachable"], full["roaming"]) == ("424", True, False)
    assert [fmt["charge"], analysis["charge"], full["charge"]] == ["0.002", "0.005", "0.015"]


def test_the_made_up_network_facts_give_a_demo_variety():
    risky, roaming, unallocated, unreachable = (
        lookup.validate(str(16468097060 + i), "validation") for i in range(4)
    )
    assert risky["risky_destination"] is True
    assert roaming["roaming"] is True and roaming["number_type"] == "mobile"
    assert unallocated["unallocated_range"] is True and unallocated["valid"] is False
    assert unreachable["reachable"] is False
    assert lookup.validate("18005550100", "validation")["number_type"] == "toll-free"


def test_a_number_that_is_not_one_is_invalid_with_the_format_error():
    answer = lookup.validate("12", "validation")
    assert (answer["valid"], answer["error_code"], answer["country_code"]) == (False, "021", None)


@given(st.integers(min_value=10_000_000, max_value=999_999_999_999_999))
def test_any_digits_get_an_answer_and_the_same_one_twice(number):
    first = lookup.validate(str(number), "validation")
    assert first == lookup.validate(str(number), "validation")
    assert isinstance(first["valid"], bool) and first["phone_number"] == str(number)


@pytest.mark.django_db
def test_an_async_request_fills_up_over_its_polls(seeded):
    numbers = [str(16468097065 + i) for i in range(8)]
    body = {"phone_numbers": numbers, "type": "format", "async": True, "force": False}
    request_id = seeded.post("/v1/validation", json=body).json()["request_id"]
    polls = [seeded.get(f"/v1/validation/{request_id}").json() for _ in range(5)]
    assert [p["pending"] for p in polls] == [6, 4, 2, 0, 0]
    assert [len(p["items"]) for p in polls] == [2, 4, 6, 8, 8]
    assert [p["status"] for p in polls] == ["in progress"] * 3 + ["success"] * 2
    assert polls[-1]["items"][0]["phone_number"] == numbers[0] and polls[0]["count"] == 8
