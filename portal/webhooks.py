"""What every webhook the portal answers shares (providers' delivery reports and inbound
messages, Wavix's transcription callbacks): a body read no further than its bound, and answers
kept out of Django's request log, whose line would carry the secret token in the address."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def quiet(response: JsonResponse) -> JsonResponse:
    """Kept out of Django's request log (its line would carry the URL's secret token); a
    webhook logs its own line, naming what the token stands for instead."""
    response._has_been_logged = True
    return response


def bounded_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes: a declared length past it is
    refused before anything is read, and no more than `limit` + 1 bytes are ever read."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body
