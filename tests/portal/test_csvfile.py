"""The one reader of uploaded CSV files: bounded before it is parsed, UTF-8 only."""

import pytest

from portal.csvfile import CsvFileError, header_column, read_rows


def test_rows_come_with_their_line_and_a_bom_is_dropped():
    data = "\ufeffnumber,name\n+1 646 809 7065,Dana\n".encode()
    assert read_rows(data, max_bytes=100, max_rows=10) == [
        (1, ["number", "name"]),
        (2, ["+1 646 809 7065", "Dana"]),
    ]


def test_a_file_over_its_size_is_refused_before_it_is_decoded():
    with pytest.raises(CsvFileError, match="101 bytes; at most 100"):
        read_rows(b"\xff" * 101, max_bytes=100, max_rows=10)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"caf\xe9\n", "not UTF-8 text (byte 4 is not)"),
        (b"a,b\x00c\n", "NUL bytes"),
    ],
)
def test_a_file_that_is_not_csv_text_says_why(data, says):
    with pytest.raises(CsvFileError, match=says.replace("(", r"\(").replace(")", r"\)")):
        read_rows(data, max_bytes=100, max_rows=10)


def test_one_row_past_the_bound_is_allowed_for_a_header_and_two_are_not():
    assert len(read_rows(b"h\n1\n2\n", max_bytes=100, max_rows=2)) == 3
    with pytest.raises(CsvFileError, match="more than 2 rows"):
        read_rows(b"h\n1\n2\n3\n", max_bytes=100, max_rows=2)


def test_blank_rows_are_skipped_and_not_counted_when_asked():
    data = b"1\n\n , \n2\n"
    assert read_rows(data, max_bytes=100, max_rows=1, skip_blank=True) == [(1, ["1"]), (4, ["2"])]
    assert len(read_rows(data, max_bytes=100, max_rows=5)) == 4


def test_a_header_column_is_found_by_its_name_in_any_case():
    assert header_column(["Name", " Phone "], ("phone", "number")) == 1
    assert header_column(["16468097065", "Dana"], ("phone", "number")) is None
