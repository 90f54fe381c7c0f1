"""Reading a campaign's list of contacts: a CSV upload, a pasted list or the API's JSON list.
No Django here.

A list is bounded before it is read (MAX_BYTES, MAX_ROWS). Each row is a number and an
optional name; a header row is recognised by its names (number, phone, contact; name). A number
is read with `portal.phone` (E.164, with its country code). A row whose number is not one is
kept as a `bad` row with its line and the rule it breaks, so the campaign shows it as skipped
with the reason; a number given twice is called once (the first row wins, the later lines are
counted as duplicates).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from portal import csvfile, phone

MAX_BYTES = 1_000_000
MAX_ROWS = 10_000
MAX_NAME = 100
NUMBER_HEADERS = ("number", "phone", "phone number", "contact", "to")
NAME_HEADERS = ("name", "contact name", "full name")


class ListError(ValueError):
    """The list as a whole cannot be read (too large, not text, no rows)."""


@dataclass(frozen=True)
class Row:
    line: int
    number: str  # E.164 digits, or the text as given when `reason` says why it is not one
    name: str = ""
    reason: str = ""


@dataclass
class ContactList:
    rows: list[Row] = field(default_factory=list)
    duplicates: int = 0

    @property
    def good(self) -> list[Row]:
        return [r for r in self.rows if not r.reason]

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows if r.reason]


def read_csv(data: bytes) -> ContactList:
    """The contacts of an uploaded CSV file (UTF-8, a BOM allowed)."""
    try:
        records = csvfile.read_rows(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, skip_blank=True)
    except csvfile.CsvFileError as exc:
        raise ListError(str(exc)) from None
    return _contacts(records)


def read_entries(entries: Iterable[tuple[str, str]]) -> ContactList:
    """The contacts of (number, name) pairs: a form's single contact or the API's list."""
    records = [(i, [n, name]) for i, (n, name) in enumerate(entries, start=1)]
    if len(records) > MAX_ROWS:
        raise ListError(
            f"The list has {len(records):,} contacts; at most {MAX_ROWS:,} are allowed."
        )
    return _contacts(records, header=False)


def _columns(cells: list[str]) -> tuple[int, int | None] | None:
    """(number column, name column) when `cells` is a header row, else None."""
    number = csvfile.header_column(cells, NUMBER_HEADERS)
    if number is None:
        return None
    return number, csvfile.header_column(cells, NAME_HEADERS)


def _contacts(records: list[tuple[int, list[str]]], header: bool = True) -> ContactList:
    number_at, name_at = 0, 1
    if header and records and (columns := _columns(records[0][1])) is not None:
        (number_at, name_at), records = columns, records[1:]
    if len(records) > MAX_ROWS:
        raise ListError(
            f"The file has {len(records):,} contacts; at most {MAX_ROWS:,} are allowed."
        )
    if not records:
        raise ListError("The list has no contacts: one number per row, optionally a name after it.")
    result, seen = ContactList(), set()
    for line, cells in records:
        raw = cells[number_at].strip() if number_at < len(cells) else ""
        name = (
            cells[name_at].strip()[:MAX_NAME]
            if name_at is not None and name_at < len(cells)
            else ""
        )
        number, why = phone.check(raw)
        if why:
            row = Row(line, raw[:40] or f"(line {line})", name, f"Line {line}: {why}.")
        else:
            row = Row(line, str(number), name)
        if row.number in seen:
            result.duplicates += 1
            continue
        seen.add(row.number)
        result.rows.append(row)
    return result
