"""Reading an uploaded CSV file, bounded before it is parsed. No Django here.

Every CSV upload the portal reads (contacts, opt-outs, a campaign's contacts, numbers to
validate) goes through `read_rows`: the size is checked before anything is decoded; the text
must be UTF-8 (a BOM allowed) with no NUL byte; the rows are counted while they are read, so a
file of a million short rows stops at the first row past the bound. Each import then reads its
own columns from the rows.
"""

from __future__ import annotations

import csv
import io


class CsvFileError(ValueError):
    """The file as a whole cannot be read: the message says why, in plain words."""


def read_rows(
    data: bytes, *, max_bytes: int, max_rows: int, skip_blank: bool = False
) -> list[tuple[int, list[str]]]:
    """(line, cells) of each row. `max_rows` rows are read and one more, as a header row may
    come first; `skip_blank` leaves out (and does not count) rows with nothing in them."""
    if len(data) > max_bytes:
        raise CsvFileError(f"The file is {len(data):,} bytes; at most {max_bytes:,} are read.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"The file is not UTF-8 text (byte {exc.start + 1} is not): save it as CSV (UTF-8)."
        ) from None
    if "\x00" in text:
        raise CsvFileError("The file is not a CSV text file (it has NUL bytes).")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if skip_blank and not any(c.strip() for c in cells):
                continue
            if len(rows) > max_rows:
                raise CsvFileError(f"The file has more than {max_rows:,} rows: split it.")
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise CsvFileError(f"The file is not valid CSV: {exc}.") from None
    return rows


def header_column(cells: list[str], names: tuple[str, ...] | set[str]) -> int | None:
    """The index of the first cell that is one of `names` (case and spaces aside): a header
    row's column, or None when `cells` names none of them."""
    wanted = {n.lower() for n in names}
    return next((i for i, c in enumerate(cells) if c.strip().lower() in wanted), None)
