"""The local E911 rules (dids/e911.py): which numbers can have an emergency address, and what a
complete, well-formed US or Canadian address is; each refusal names the field, value and rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dids import e911

MAIN_ST = {
    "name": "Head office",
    "street_number": "100",
    "street": "Main St",
    "location": "Suite 200",
    "city": "Springfield",
    "state": "IL",
    "zip_code": "62701",
}


def errors_of(**changes):
    return e911.address_errors(e911.normalize_address({**MAIN_ST, **changes}))


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (16468097065, "geographic"),
        (14165550123, "geographic"),  # Toronto
        (18778230012, "toll_free"),
        (18005550100, "toll_free"),
        (447700900123, None),
        (1646809706, None),  # ten digits
        (11235550100, None),  # area codes never start with 1
        (19115550100, None),  # N11 service code
    ],
)
def test_number_kind_by_area_code(number, kind):
    assert e911.number_kind(number) == kind


def test_numbers_outside_the_us_and_canada_are_refused_with_the_reason():
    assert "US or Canadian" in e911.number_refusal(447700900123)
    assert "not a valid North American number" in e911.number_refusal(11235550100)
    jamaica = e911.number_refusal(18765550100, "JM")
    assert "+18765550100 is a number of JM" in jamaica
    assert e911.number_refusal(16468097065, "US") is None
    assert e911.number_refusal(14165550123, "CA") is None
    assert e911.number_refusal(18778230012, "") is None


def test_the_numbering_plan_not_the_leading_one_says_whose_number_it_is():
    # +1 876 is Jamaica, +1 441 Bermuda: refused even when the inventory names no country.
    assert e911.number_refusal(18765550100) == (
        "+18765550100 is a number of JM (Jamaica), not a US or Canadian number: E911 covers "
        "the United States and Canada only."
    )
    assert "is a number of BM (Bermuda), not a US or Canadian number" in (
        e911.number_refusal(14415550100)
    )
    assert e911.number_refusal(14165550123) is None  # Toronto
    assert e911.number_refusal(17875550100) is None  # Puerto Rico shares US 911


def test_numbers_that_are_neither_geographic_nor_toll_free_are_refused_by_their_type():
    assert e911.number_refusal(19005550100) == (
        "+19005550100 is a premium rate number: E911 covers geographic and toll-free numbers only."
    )


def test_a_complete_address_passes():
    assert errors_of() == {}
    assert errors_of(state="on", city="Toronto", zip_code="m5h2n2") == {}


def test_every_missing_required_field_is_named():
    errors = errors_of(name="", street_number=" ", street="", city="", state="", zip_code="")
    assert set(errors) == {"name", "street_number", "street", "city", "state", "zip_code"}
    assert errors["street"] == "Street is required for an emergency address."
    assert errors_of(location="") == {}  # the location is optional


def test_an_unknown_state_code_names_the_value_and_the_rule():
    assert errors_of(state="XX")["state"] == (
        "“XX” is not a US state or Canadian province code: use two letters, e.g. IL or ON."
    )


@pytest.mark.parametrize("zip_code", ["6270", "627011", "ABCDE", "62701-15"])
def test_a_bad_us_zip_names_the_value_and_both_forms(zip_code):
    message = errors_of(zip_code=zip_code)["zip_code"]
    assert f"“{zip_code}” is not a US ZIP code" in message and "62701-1504" in message


@pytest.mark.parametrize("code", ["M5H2N", "D5H 2N2", "W5H 2N2", "M5H 2N", "62701"])
def test_a_bad_canadian_postal_code_is_refused(code):
    message = errors_of(state="ON", city="Toronto", zip_code=code)["zip_code"]
    assert "is not a Canadian postal code" in message and "A1A 1A1" in message


def test_zip_plus_four_and_postal_codes_are_normalized():
    us = e911.normalize_address({**MAIN_ST, "zip_code": "62701-1504", "state": "il"})
    assert (us["state"], us["zip_code"], us["zip_plus_four"]) == ("IL", "62701", "627011504")
    ca = e911.normalize_address({**MAIN_ST, "state": "ON", "zip_code": "m5h2n2"})
    assert ca["zip_code"] == "M5H 2N2"


def test_one_line_reads_like_an_address():
    line = e911.one_line({**MAIN_ST, "zip_plus_four": "627011504"})
    assert line == "100 Main St, Suite 200, Springfield, IL 62701-1504"


def test_changed_fields_ignore_case_and_spacing():
    corrected = {**MAIN_ST, "street": "MAIN  ST", "zip_code": "62701"}
    assert e911.changed_fields({**MAIN_ST, "zip_code": "62710"}, corrected) == ["zip_code"]


@given(st.integers(min_value=0, max_value=99999), st.integers(min_value=0, max_value=9999))
def test_every_zip_and_zip_plus_four_is_accepted(five, four):
    assert errors_of(zip_code=f"{five:05d}") == {}
    normalized = e911.normalize_address({**MAIN_ST, "zip_code": f"{five:05d}-{four:04d}"})
    assert normalized["zip_plus_four"] == f"{five:05d}{four:04d}"
    assert e911.address_errors(normalized) == {}


LETTERS = "ABCEGHJKLMNPRSTVWXYZ"


@given(
    st.sampled_from("ABCEGHJKLMNPRSTVXY"),
    st.sampled_from(LETTERS),
    st.sampled_from(LETTERS),
    st.integers(0, 9),
    st.integers(0, 9),
    st.integers(0, 9),
    st.booleans(),
)
def test_every_canada_post_code_is_accepted(first, second, third, d1, d2, d3, space):
    code = f"{first}{d1}{second}{' ' if space else ''}{d2}{third}{d3}"
    normalized = e911.normalize_address({**MAIN_ST, "state": "QC", "zip_code": code.lower()})
    assert normalized["zip_code"] == f"{first}{d1}{second} {d2}{third}{d3}"
    assert e911.address_errors(normalized) == {}


@given(st.text(max_size=12))
def test_any_zip_text_gets_an_answer_never_an_exception(text):
    errors = errors_of(zip_code=text)
    assert set(errors) <= {"zip_code"}


def test_before_wavix_the_street_number_and_zip_may_be_left_out():
    address = e911.normalize_address({**MAIN_ST, "street_number": "", "zip_code": ""})
    assert e911.address_errors(address, complete=False) == {}
    assert set(e911.address_errors(address)) == {"street_number", "zip_code"}


def test_a_bad_zip_is_reported_even_when_the_state_is_bad_too():
    errors = errors_of(state="XX", zip_code="6270")
    assert set(errors) == {"state", "zip_code"}
    assert errors_of(state="XX", zip_code="62701").keys() == {"state"}
    assert errors_of(state="", zip_code="M5H 2N2").keys() == {"state"}
