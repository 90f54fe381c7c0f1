"""MMS files as the provider fetches them: no login, the unguessable name is the secret
(messaging/media.py). Only names the portal made are looked up; anything else is a 404."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404

from .. import media

NAME = re.compile(r"[A-Za-z0-9_-]{32}\.(" + "|".join(media.CONTENT_TYPES) + ")")


def mms_file(request, name: str):
    if not NAME.fullmatch(name):
        raise Http404("No such file.")
    box = media.storage()
    if not box.exists(name):
        raise Http404("No such file.")
    response = FileResponse(
        box.open(name, "rb"), content_type=media.CONTENT_TYPES[name.rsplit(".", 1)[1]]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
