"""The segment counter the sandbox charges by: GSM-7 when the text fits the GSM alphabet,
UCS-2 otherwise, with extension characters and surrogate pairs never split."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from sandbox.wavix.lookup import validate
from sandbox.wavix.numbering import country_of, normalize
from sandbox.wavix.segments import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    count_segments,
)

gsm_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=1000)
basic_text = st.text(alphabet=sorted(GSM7_BASIC), max_size=1000)


def test_one_non_gsm_character_makes_the_whole_text_ucs2():
    assert count_segments("Hello").encoding == GSM7
    assert count_segments("Hello ✓").encoding == UCS2
    assert count_segments("").segments == 1


def test_an_extension_character_is_not_split_across_segments():
    # 152 septets, then "€" (2 septets) does not fit the first segment's 153.
    assert count_segments("a" * 152 + "€" + "a" * 10).segments == 2
    assert count_segments("a" * 152 + "€" + "a" * 152).segments == 3


def test_a_surrogate_pair_is_not_split_across_segments():
    assert count_segments("я" * 66 + "😀" + "я" * 66).segments == 3
    assert count_segments("я" * 65 + "😀" + "я" * 67).segments == 2


@given(basic_text)
def test_plain_gsm_text_takes_160_then_153_per_segment(text):
    expected = 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert count_segments(text).segments == expected


@given(gsm_text)
def test_gsm_segments_hold_at_most_153_septets(text):
    result = count_segments(text)
    assert result.encoding == GSM7
    if result.units > 160:
        assert result.segments >= math.ceil(result.units / 153)
        assert result.segments <= math.ceil(result.units / 152)


@given(st.text(min_size=1, max_size=500).filter(lambda t: count_segments(t).encoding == UCS2))
def test_ucs2_segments_hold_70_then_67_code_units(text):
    result = count_segments(text)
    units = len(text.encode("utf-16-le")) // 2
    assert result.units == units
    expected_min = 1 if units <= 70 else math.ceil(units / 67)
    assert expected_min <= result.segments <= max(1, math.ceil(units / 66))


def test_numbers_are_placed_in_their_country():
    assert normalize("+1 (312) 555-9876") == "13125559876"
    assert normalize("call me") is None
    assert country_of("14165550100") == "CA" and country_of("13125559876") == "US"
    assert country_of("447537151866") == "GB" and country_of("999") is None


def test_validation_depth_decides_the_fields():
    assert "carrier_name" not in validate("447537151866", "format")
    analysis = validate("447537151866", "analysis")
    # The carrier is phonenumbers' for the number's range, as a real lookup would name it.
    assert analysis["carrier_name"] == "Stour Marine" and "timezone" not in analysis
    full = validate("447537151866", "validation")
    assert full["timezone"] == "UTC+00:00" and full["reachable"] is True
    assert validate("447537150000", "validation")["reachable"] is False
    invalid = validate("12", "validation")
    assert invalid["valid"] is False and invalid["error_code"] == "021"
