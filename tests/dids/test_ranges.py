"""The pool syntax and its set algebra (dids/ranges.py), checked against a brute-force model."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dids.ranges import Pool, PoolSyntaxError, Span

BASE = 16468097000


def test_the_documented_forms_parse():
    assert Pool.parse("16468097065").format() == "16468097065"
    assert Pool.parse("16468097065;16468097066").format() == "16468097065-16468097066"
    assert Pool.parse("16468097065-16468097066;16468097069").format() == (
        "16468097065-16468097066;16468097069"
    )
    pool = Pool.parse("16468097065-16468097066;16468097070-16468097080")
    assert pool.size == 13 and 16468097075 in pool and 16468097067 not in pool


def test_pasted_input_is_normalised():
    pool = Pool.parse(" +16468097070 - 16468097080 ,\r\n16468097065\n+16468097066 ; 16468097067 ")
    assert pool.format() == "16468097065-16468097067;16468097070-16468097080"


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("", 1, "empty"),
        ("   \n ", 1, "empty"),
        ("16468097065;;16468097066", 2, "empty segment"),
        ("16468097065;", 2, "empty segment"),
        ("1646809706a", 1, "other than digits"),
        ("16468097080-16468097070", 1, "below the start"),
        ("16468097065-6468097066", 1, "different lengths"),
        ("1234567890123456", 1, "at most 15"),
        ("06468097065", 1, "starts with 0"),
        ("16468097065-16468097066-16468097067", 1, "one “-”"),
        ("16468097065;1646809706٣", 2, "other than digits"),
        ("16468097065-", 1, "missing"),
    ],
)
def test_errors_name_position_segment_and_rule(text, position, words):
    with pytest.raises(PoolSyntaxError) as caught:
        Pool.parse(text)
    error = caught.value.errors[0]
    assert error.position == position and words in error.rule
    assert f"segment {position}" in str(caught.value)


def test_paste_artifacts_are_forgiven_but_not_double_separators():
    assert Pool.parse("16468097065;\n\n16468097066,\n").format() == "16468097065-16468097066"
    with pytest.raises(PoolSyntaxError, match="segment 2"):
        Pool.parse("16468097065;;16468097066\n16468097067")


def test_errors_are_collected_with_offsets():
    text = "16468097065; x1 ;16468097080-16468097070"
    with pytest.raises(PoolSyntaxError) as caught:
        Pool.parse(text)
    errors = caught.value.errors
    assert [e.position for e in errors] == [2, 3]
    assert [e.segment for e in errors] == ["x1", "16468097080-16468097070"]
    assert text[errors[0].offset :].startswith("x1")
    assert text[errors[1].offset :].startswith("16468097080")


def test_segment_limit():
    with pytest.raises(PoolSyntaxError, match="at most 3 are allowed"):
        Pool.parse("11;13;15;17", max_segments=3)
    assert Pool.parse("11;13;15", max_segments=3).size == 3


def test_a_million_numbers_cost_one_range():
    pool = Pool.parse("12125550000-12126549999")
    assert pool.size == 1_000_000 and len(pool.ranges) == 1
    assert list(pool.numbers(offset=999_998, limit=5)) == [12126549998, 12126549999]


# Property-based checks ---------------------------------------------------------------------

ranges = st.builds(lambda a, n: Span(BASE + a, BASE + a + n), st.integers(0, 60), st.integers(0, 8))
pools = st.lists(ranges, max_size=6).map(Pool)


def model(pool: Pool) -> set[int]:
    return {n for r in pool for n in range(r.start, r.end + 1)}


@given(pools)
def test_format_then_parse_is_identity(pool):
    if pool:
        assert Pool.parse(pool.format()) == pool


@given(st.lists(ranges, min_size=1, max_size=6), st.randoms())
def test_canonical_form_is_unique(parts, rnd):
    """Any way of writing the same numbers prints the same."""
    shuffled = parts[:]
    rnd.shuffle(shuffled)
    numbers = sorted({n for r in parts for n in range(r.start, r.end + 1)})
    singles = ";".join(map(str, numbers))
    written = ",".join(str(r) for r in shuffled)
    assert Pool.parse(written).format() == Pool.parse(singles).format()


@given(pools, pools)
def test_algebra_agrees_with_sets(a, b):
    assert model(a | b) == model(a) | model(b)
    assert model(a & b) == model(a) & model(b)
    assert model(a - b) == model(a) - model(b)
    added, removed = a.diff(b)
    assert model(added) == model(b) - model(a) and model(removed) == model(a) - model(b)
    assert a.size == len(model(a))
    assert a.contains(b) == (model(b) <= model(a))
    for n in range(BASE - 1, BASE + 70):
        assert (n in a) == (n in model(a))


@given(pools, st.integers(0, 80), st.integers(0, 10))
def test_numbers_pages_through_the_pool(pool, offset, limit):
    assert list(pool.numbers(offset, limit)) == sorted(model(pool))[offset : offset + limit]


@settings(max_examples=500)
@given(st.text(alphabet="0123456789+-;, \n\r\tx٣", max_size=40))
def test_garbage_raises_only_the_modules_error(text):
    try:
        pool = Pool.parse(text)
    except PoolSyntaxError as exc:
        assert exc.errors
    else:
        assert Pool.parse(pool.format()) == pool


@given(st.text(max_size=30))
def test_any_text_raises_only_the_modules_error(text):
    with contextlib.suppress(PoolSyntaxError):
        Pool.parse(text)


def test_a_span_across_a_power_of_ten_is_written_so_it_reads_back():
    pool = Pool.parse("99999998;99999999;100000000")
    assert pool.format() == "99999998-99999999;100000000"
    assert Pool.parse(pool.format()) == pool
