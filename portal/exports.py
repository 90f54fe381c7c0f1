"""CSV downloads, streamed row by row so a million rows never sit in memory."""

import csv
import io
from collections.abc import Iterable

from django.http import StreamingHttpResponse


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in _chain(header, rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        yield buffer.getvalue()


def _chain(header, rows):
    yield header
    yield from rows


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
