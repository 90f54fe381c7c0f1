"""Wavix's transcription webhook: /hooks/transcriptions/<token>/ (no login; the token in the
address names the request). The body is bounded, read, answered 200 at once; the job fetches
the transcript after the commit."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.webhooks import bounded_body, quiet

from .services.speech import transcription_webhook

MAX_BODY = 8 * 1024  # bytes: Wavix sends {"uuid": ..., "status": ...}
STATUSES = ("completed", "failed")


def _answer(body: dict, status: int = 200) -> JsonResponse:
    return quiet(JsonResponse(body, status=status))


@csrf_exempt
@require_POST
def transcription(request, token: str):
    raw = bounded_body(request, MAX_BODY)
    if raw is None:
        return _answer({"error": f"body: must be at most {MAX_BODY // 1024} KiB"}, 413)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _answer({"error": "body: must be a JSON object"}, 400)
    status = data.get("status") if isinstance(data, dict) else None
    if status not in STATUSES:
        shown = str(status)[:40]
        return _answer({"error": f"status: “{shown}” is not one of {', '.join(STATUSES)}"}, 400)
    with transaction.atomic():
        if not transcription_webhook(token=token[:64], status=status):
            return _answer({"error": "unknown address"}, 404)
    return _answer({"ok": True})
