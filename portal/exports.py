"""CSV downloads: every CSV the portal writes goes through `csv_lines`, streamed row by row so
a million rows never sit in memory.

Cells are neutralised against spreadsheet formulas (OWASP's CSV injection rule): a text cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
spreadsheet shows it as text instead of running it. Numbers are not text and pass as they are
(a negative charge stays a number). Phone numbers are written as E.164 digits without the `+`
(`16468097065`), the form the pool import reads, so they are never mistaken for formulas;
`number_cell` turns a `+16468097065` into that form.
"""

import csv
import io
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django_scopes import scope, scopes_disabled

from portal import phone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet may read it: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def number_cell(value) -> str:
    """A phone number as exported: E.164 digits without the `+` ("+16468097065" and
    16468097065 both give "16468097065"); anything else (a SIP user, "anonymous") as it is."""
    return phone.storage_form(value)


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in _chain(header, rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(v) for v in values])
        yield buffer.getvalue()


def _chain(header, rows):
    yield header
    yield from rows


def in_scope(rows: Iterable[Iterable], *, tenant=None) -> Iterable[Iterable]:
    """Rows read while the response streams, after the view returned and its tenant scope
    ended: inside the tenant's scope again, or, with no tenant (a platform export), with the
    scope check off, visibly."""
    with scope(tenant=tenant) if tenant is not None else scopes_disabled():
        yield from rows


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
