"""The one CSV writer: formulas neutralised (OWASP), numbers kept as numbers."""

import csv
import io
from decimal import Decimal

import pytest

from portal.exports import csv_lines, number_cell, safe_cell
from tests.factories import call_record, days_ago

from ..conftest import login


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_could_start_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [Decimal("-0.5"), -3, 16468097065, "16468097065", "Acme", None])
def test_numbers_and_plain_text_pass_as_they_are(value):
    assert safe_cell(value) == value


def test_phone_numbers_are_exported_as_digits_without_plus():
    assert number_cell("+16468097065") == "16468097065"
    assert number_cell(16468097065) == "16468097065"
    assert number_cell("anonymous") == "anonymous"


def test_every_cell_of_a_written_row_goes_through_the_rule():
    text = "".join(csv_lines(["a", "b"], [["=cmd", Decimal("-1.25")]]))
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["'=cmd", "-1.25"]]


@pytest.mark.django_db
def test_the_cdr_export_writes_numbers_as_digits_and_neutralises_text(world):
    from portal.models import WavixAccount

    account = WavixAccount.objects.create(name="Main", api_key="k" * 20)
    call_record(
        account,
        tenant=world.a,
        started_at=days_ago(1),
        from_number="+12025550100",
        to_number="12025550143",
        destination='=HYPERLINK("http://evil.example")',
    )
    response = login(world.sysadmin).get("/platform/calls/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][2:4] == ["12025550100", "12025550143"]
    assert rows[1][8] == '\'=HYPERLINK("http://evil.example")'
