"""The segment count a sender sees on the compose page is the one the outbox stores: GSM-7 or
UCS-2, 160/153 and 70/67, never splitting an escape pair or a surrogate pair."""

from math import ceil

from hypothesis import given
from hypothesis import strategies as st

from messaging.segments import CONCATENATED, GSM7, SINGLE, UCS2, count, gsm_septets, split

BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà"
EXTENSION = "^{}\\[~]|€\f"

gsm_text = st.text(alphabet=BASIC + EXTENSION, max_size=700)
any_text = st.text(max_size=400)


def test_a_short_plain_text_is_one_gsm_segment():
    result = count("Your code is 1234")
    assert (result.encoding, result.segments, result.units, result.remaining) == (GSM7, 1, 17, 143)


def test_160_characters_fit_one_segment_and_161_take_two():
    assert count("a" * 160).segments == 1
    result = count("a" * 161)
    assert (result.segments, result.per_segment, result.remaining) == (2, 153, 145)


def test_an_extension_character_takes_two_septets_and_is_never_split():
    text = "a" * 152 + "€" + "a" * 152
    result = count(text)
    assert (result.units, result.segments) == (306, 3)
    assert split(text)[0] == "a" * 152  # the escape pair starts the second segment


def test_a_curly_quote_makes_the_text_ucs2_and_is_pointed_at():
    result = count("It’s ready")
    assert result.encoding == UCS2
    assert [(f.position, f.codepoint) for f in result.forcing] == [(2, "U+2019")]
    assert result.remaining == 70 - 10


def test_c_cedilla_capital_is_gsm_and_small_is_not():
    assert gsm_septets("Ç") == 1
    assert gsm_septets("ç") is None


def test_an_emoji_takes_two_units_and_its_pair_is_never_split():
    assert count("😀" * 35).segments == 1
    parts = split("😀" * 36)
    assert [len(p) for p in parts] == [33, 3]  # 66 units: the 67th would split a pair


def test_an_empty_text_is_no_segment():
    result = count("")
    assert (result.segments, result.units) == (0, 0)


@given(st.text(alphabet=BASIC, max_size=700))
def test_plain_gsm_text_counts_as_the_division(text):
    n = len(text)
    expected = 0 if n == 0 else 1 if n <= 160 else ceil(n / 153)
    assert count(text).segments == expected


@given(any_text | gsm_text)
def test_segments_join_back_to_the_text_and_each_fits(text):
    result = count(text)
    parts = split(text)
    assert "".join(parts) == text
    assert len(parts) == result.segments
    limit = SINGLE[result.encoding] if len(parts) == 1 else CONCATENATED[result.encoding]
    for part in parts:
        assert part  # no empty segment
        assert count_units(part, result.encoding) <= limit
    if parts:
        assert result.remaining == limit - count_units(parts[-1], result.encoding)


@given(any_text)
def test_the_text_is_ucs2_exactly_when_a_character_is_outside_the_alphabet(text):
    outside = [ch for ch in text if gsm_septets(ch) is None]
    result = count(text)
    assert (result.encoding == UCS2) == bool(outside)
    assert [f.character for f in result.forcing] == outside


def count_units(part: str, encoding: str) -> int:
    if encoding == GSM7:
        return sum(gsm_septets(ch) for ch in part)
    return len(part.encode("utf-16-le")) // 2
