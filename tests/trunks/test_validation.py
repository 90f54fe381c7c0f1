"""The pure rules: allowed addresses, digest passwords, numbers, Wavix's ranges."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunks import validation as rules


@pytest.mark.parametrize(
    "text, expected",
    [
        ("203.0.113.10", ["203.0.113.10"]),
        ("203.0.113.10, 198.51.100.0/28\n203.0.113.10", ["203.0.113.10", "198.51.100.0/28"]),
        ("2001:db8::10", ["2001:db8::10"]),
        ("2001:db8:1::/48", ["2001:db8:1::/48"]),
        ("8.8.8.8/32", ["8.8.8.8"]),
    ],
)
def test_public_addresses_and_networks_are_accepted(text, expected):
    assert rules.parse_allowed_ips(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("0.0.0.0/0", "“0.0.0.0/0” is too broad: IPv4 networks may be at most /24"),
        ("203.0.113.0/16", "has host bits set"),
        ("8.8.0.0/16", "“8.8.0.0/16” is too broad: IPv4 networks may be at most /24"),
        ("2001:db8::/32", "is too broad: IPv6 networks may be at most /48"),
        ("10.0.0.5", "“10.0.0.5” is not a public address"),
        ("127.0.0.1", "not a public address"),
        ("300.1.2.3", "“300.1.2.3” is not an IPv4 or IPv6 address or network"),
        ("pbx.example.com", "“pbx.example.com” is not an IPv4 or IPv6 address"),
    ],
)
def test_bad_addresses_are_refused_naming_value_and_rule(text, message):
    with pytest.raises(rules.Problems) as exc:
        rules.parse_allowed_ips(text)
    assert message in str(exc.value)


def test_every_bad_address_is_reported_at_once():
    with pytest.raises(rules.Problems) as exc:
        rules.parse_allowed_ips("10.0.0.1\n203.0.113.10\n0.0.0.0/0")
    assert len(exc.value.messages) == 2


def test_the_network_limit_is_configurable():
    assert rules.parse_allowed_ips("8.8.0.0/16", min_prefix_v4=16) == ["8.8.0.0/16"]
    with pytest.raises(rules.Problems):
        rules.parse_allowed_ips("0.0.0.0/0", min_prefix_v4=0)  # never the whole internet


@pytest.mark.parametrize(
    "password, problem",
    [
        ("Short1a", "at least 12 characters (7 given)"),
        ("alllowercase123", "an upper-case letter"),
        ("ALLUPPERCASE123", "a lower-case letter"),
        ("NoDigitsAtAllHere", "a digit"),
        ("Has Spaces 12345", "must not contain spaces"),
        ("AcmePbx-Trunk-2026", "must not contain the trunk's label"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    problems = rules.password_problems(password, avoid=("acmepbx",))
    assert any(problem in p for p in problems), problems
    assert all(password not in p for p in problems)


@settings(max_examples=50)
@given(st.integers(min_value=12, max_value=40))
def test_generated_passwords_are_strong_and_different(length):
    first, second = rules.generate_password(length), rules.generate_password(length)
    assert len(first) == length and rules.password_problems(first) == []
    assert first != second


@pytest.mark.parametrize("value", ["1234", "+1 646 abc", "1234567890123456"])
def test_numbers_must_be_e164_digits(value):
    with pytest.raises(rules.Problems, match="is not a phone number in E.164 digits"):
        rules.parse_number(value)


def test_numbers_accept_plus_spaces_and_dashes():
    assert rules.parse_numbers("+1 646-809-7065, 16468097066") == [16468097065, 16468097066]


def test_ranges_name_the_setting_and_wavix_limits():
    assert rules.check_range("maximum channels", 100, 1, 100) is None
    assert rules.check_range("maximum channels", 101, 1, 100) == (
        "101 is outside Wavix's range for the maximum channels (1 to 100)."
    )
