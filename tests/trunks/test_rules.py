"""The pure rules: allowed addresses, digest passwords, numbers, Wavix's ranges."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunks import rules


@pytest.mark.parametrize(
    "text, expected",
    [
        ("203.0.113.10", ["203.0.113.10"]),
        ("203.0.113.10, 198.51.100.0/28\n203.0.113.10", ["203.0.113.10", "198.51.100.0/28"]),
        ("2001:db8::10", ["2001:db8::10"]),
        ("8.8.8.8/32", ["8.8.8.8"]),
        # The broadest networks by default: 32 addresses each.
        ("203.0.113.32/27", ["203.0.113.32/27"]),
        ("2001:DB8:1::/123", ["2001:db8:1::/123"]),
        # Kept as typed: networks are not expanded or merged in the portal.
        ("203.0.113.16/29\n203.0.113.24/29", ["203.0.113.16/29", "203.0.113.24/29"]),
    ],
)
def test_public_addresses_and_networks_are_accepted(text, expected):
    assert rules.parse_allowed_ips(text) == expected


BROAD = "Wavix takes single addresses, so a network is sent as its 32 or fewer addresses"


@pytest.mark.parametrize(
    "text, message",
    [
        ("0.0.0.0/0", f"“0.0.0.0/0” is broader than /27: {BROAD}"),
        ("203.0.113.0/16", "has host bits set"),
        ("203.0.113.0/24", f"“203.0.113.0/24” is broader than /27: {BROAD} (this one has 256)."),
        ("203.0.113.0/26", "“203.0.113.0/26” is broader than /27"),
        ("8.8.0.0/16", "“8.8.0.0/16” is broader than /27"),
        ("2001:db8:1::/48", f"“2001:db8:1::/48” is broader than /123: {BROAD} (this one has 2^80)"),
        ("2001:db8::/122", "“2001:db8::/122” is broader than /123"),
        ("::/0", "“::/0” is broader than /123"),
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


def test_a_trunk_covers_at_most_the_configured_number_of_addresses_in_all():
    with pytest.raises(rules.Problems) as exc:
        rules.parse_allowed_ips("203.0.113.0/27\n198.51.100.0/27\n192.0.2.0/28\n192.0.2.77")
    assert exc.value.messages == [
        "These addresses and networks cover 81 addresses (203.0.113.0/27: 32, "
        "198.51.100.0/27: 32, 192.0.2.0/28: 16, 1 single address); at most 64 are allowed in "
        "all: Wavix takes single addresses, so every network is sent as all its addresses."
    ]
    # Exactly the limit, and overlaps counted once (the address inside the network).
    two = rules.parse_allowed_ips("203.0.113.0/27\n198.51.100.0/27\n203.0.113.5")
    assert two == ["203.0.113.0/27", "198.51.100.0/27", "203.0.113.5"]


def test_the_limits_are_configurable():
    wide = rules.parse_allowed_ips("8.8.8.0/24", max_network_addresses=256, max_addresses=256)
    assert wide == ["8.8.8.0/24"]
    with pytest.raises(rules.Problems, match="is broader than /29: .* its 8 or fewer addresses"):
        rules.parse_allowed_ips("203.0.113.16/28", max_network_addresses=8)
    with pytest.raises(rules.Problems, match="“203.0.113.16/31” is a network: give single"):
        rules.parse_allowed_ips("203.0.113.16/31", max_network_addresses=1)
    with pytest.raises(rules.Problems, match="cover 33 addresses"):
        rules.parse_allowed_ips("203.0.113.0/27\n203.0.113.77", max_addresses=32)
    # Never the whole internet, whatever the limits.
    with pytest.raises(rules.Problems, match="“0.0.0.0/0” is the whole internet"):
        rules.parse_allowed_ips("0.0.0.0/0", max_network_addresses=2**32, max_addresses=2**32)


# Wavix takes single addresses: networks out, addresses back --------------------------------


def test_a_network_is_sent_as_every_one_of_its_addresses():
    sent = rules.expand_allowed_ips(
        ["203.0.113.10", "203.0.113.16/29", "203.0.113.17", "2001:db8:10::/126"],
        max_network_addresses=32,
        max_addresses=64,
    )
    # Network and broadcast addresses included; the order given; each address once.
    assert sent == [
        "203.0.113.10",
        *(f"203.0.113.{i}" for i in range(16, 24)),
        "2001:db8:10::",
        "2001:db8:10::1",
        "2001:db8:10::2",
        "2001:db8:10::3",
    ]


def test_a_stored_network_broader_than_the_limits_is_not_expanded():
    # e.g. saved when the limit was /48: 2^80 addresses are never enumerated.
    with pytest.raises(rules.Problems, match="“2001:db8:1::/48” is broader than /123"):
        rules.expand_allowed_ips(["2001:db8:1::/48"], max_network_addresses=32, max_addresses=64)
    with pytest.raises(rules.Problems, match="cover 96 addresses"):
        rules.expand_allowed_ips(
            ["203.0.113.0/27", "203.0.113.32/27", "203.0.113.64/27"],
            max_network_addresses=32,
            max_addresses=64,
        )


def test_addresses_are_collapsed_into_the_networks_they_form():
    addresses = [f"203.0.113.{i}" for i in range(23, 15, -1)] + ["2001:db8:10::5", "8.8.8.8"]
    assert rules.collapse_allowed_ips(addresses) == ["8.8.8.8", "203.0.113.16/29", "2001:db8:10::5"]
    # Not broader than the portal allows: 64 addresses in a row are two /27s.
    block = [f"203.0.113.{i}" for i in range(64)]
    assert rules.collapse_allowed_ips(block, max_network_addresses=32) == [
        "203.0.113.0/27",
        "203.0.113.32/27",
    ]
    assert rules.collapse_allowed_ips(["203.0.113.10", "junk"]) == ["203.0.113.10", "junk"]


def test_lists_are_compared_as_sets_of_addresses():
    wavix = [f"203.0.113.{i}" for i in range(16, 24)] + ["2001:db8:10::5"]
    assert rules.same_addresses(["2001:db8:10::5", "203.0.113.16/29"], wavix)
    assert not rules.same_addresses(["203.0.113.16/29"], wavix)
    assert not rules.same_addresses(["2001:db8:10::5", "203.0.113.16/29"], wavix[1:])


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(st.integers(0, 255), st.integers(27, 32)).map(
            lambda t: str(ipaddress.ip_network(f"198.51.100.{t[0]}/{t[1]}", strict=False))
        ),
        max_size=2,
    )
)
def test_what_is_sent_collapses_back_to_the_same_addresses(networks):
    sent = rules.expand_allowed_ips(networks, max_network_addresses=32, max_addresses=64)
    assert len(sent) == len(set(sent))
    assert rules.same_addresses(networks, rules.collapse_allowed_ips(sent))


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


@pytest.mark.parametrize("value", ["1646809706²", "١٦٤٦٨٠٩٧٠٦٥"])
def test_numbers_are_ascii_digits_only(value):
    # str.isdigit accepts these, and int() refuses "²": it used to be a 500.
    with pytest.raises(rules.Problems, match=f"“{value}” is not a phone number in E.164 digits"):
        rules.parse_number(value)


def test_caller_ids_are_read_as_people_write_them():
    """One reader of typed numbers (portal/phone.py) for trunks as for pools."""
    assert rules.parse_number("+1 (312) 555-0150") == 13125550150
    assert rules.parse_number("+1 212 736 0000") == 12127360000
    with pytest.raises(rules.Problems, match="it has 3 digits; a phone number has at least 8"):
        rules.parse_number("123")
