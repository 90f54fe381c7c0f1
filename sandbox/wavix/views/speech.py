"""Speech analytics and call recordings: GET /v1/cdrs/{call_id}, its transcription and
retranscribe, POST /v1/cdrs (the transcript search), GET /v1/recordings, GET
/v1/recordings/{call_id} (the file's address in `Location`) and the file itself."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from .. import payloads, speech
from ..errors import ApiError, not_found
from ..http import body, endpoint, ok, paginate, query
from ..models import SandboxAccount, SandboxCdr
from ..params import Invalid, Params
from ..services import speech as services

SPEAKERS = ("agent", "client", "any")
CRITERIA = ("must", "match", "exclude")
MAX_PHRASES = 50


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("wavix_sandbox:profile")).removesuffix("/v1/profile")


def _recording_url(request: HttpRequest, cdr: SandboxCdr) -> str:
    return f"{_base(request)}/v1/recordings/{cdr.call_id}"


def _transcription_ref(request: HttpRequest, cdr: SandboxCdr) -> dict:
    return {
        "uuid": services.transcription_uuid(cdr),
        "url": f"{_base(request)}/v1/cdrs/{cdr.call_id}/transcription",
    }


def cdr_get(request: HttpRequest, account: SandboxAccount, call_id: str) -> JsonResponse:
    cdr = services.call_of(account, call_id)
    row = payloads.cdr(cdr)
    recorded = services.is_recorded(cdr) and not services.recording_deleted(cdr)
    row["recording_url"] = _recording_url(request, cdr) if recorded else None
    if query(request).bool("show_transcription"):
        done = services.transcription_status(cdr) == "completed"
        row["transcription"] = _transcription_ref(request, cdr) if done else None
    return ok(row)


def transcription_get(request: HttpRequest, account: SandboxAccount, call_id: str):
    return ok(services.transcription_payload(services.call_of(account, call_id)))


def retranscribe_put(request: HttpRequest, account: SandboxAccount, call_id: str):
    params = body(request)
    params.only(("language", "webhook_url"))
    language = params.str("language", choices=("en", "de", "es", "fr", "it"))
    webhook_url = params.url("webhook_url")
    services.retranscribe(
        account=account, call_id=call_id, language=language, webhook_url=webhook_url
    )
    return ok({"success": True})


def _criteria(params: Params) -> dict:
    given = params.obj("transcription")
    if given is None:
        return {}
    criteria = {}
    for speaker in SPEAKERS:
        lists = given.obj(speaker)
        if lists is None:
            continue
        criteria[speaker] = {c: lists.strings(c) or [] for c in CRITERIA if lists.has(c)}
        if sum(len(v) for v in criteria[speaker].values()) > MAX_PHRASES:
            raise Invalid(f"transcription.{speaker}", f"at most {MAX_PHRASES} phrases")
    return criteria


def search_post(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    direction = params.str("type", required=True, choices=("placed", "received"))
    start, end = params.date("from", required=True), params.date("to", required=True)
    if end < start:
        raise Invalid("to", f"must not be before from ({start})", str(end))
    page = params.int("page", required=True, minimum=1)
    per_page = params.int("per_page", required=True, minimum=1, maximum=100)
    filters = {"min_duration": params.int("min_duration", minimum=0), "uuid": params.str("uuid")}
    found = services.search(
        account,
        direction=direction,
        start=start,
        end=end,
        criteria=_criteria(params),
        filters=filters,
    )
    first = (page - 1) * per_page
    items = []
    for cdr in found[first : first + per_page]:
        row = payloads.cdr(cdr)
        row["transcription"] = _transcription_ref(request, cdr)
        items.append(row)
    pagination = {
        "current_page": page,
        "per_page": per_page,
        "total": len(found),
        "total_pages": math.ceil(len(found) / per_page),
    }
    return ok({"items": items, "pagination": pagination})


def recordings_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = query(request)
    rows = account.cdrs.filter(disposition="answered", duration__gt=0)
    if (start := params.date("from_date")) is not None:
        rows = rows.filter(date__date__gte=start)
    if (end := params.date("to_date")) is not None:
        rows = rows.filter(date__date__lte=end)
    if params.str("from"):
        rows = rows.filter(caller__contains=params.str("from").lstrip("+"))
    if params.str("to"):
        rows = rows.filter(callee__contains=params.str("to").lstrip("+"))
    if params.str("call_uuid"):
        rows = [services.call_of(account, params.str("call_uuid"))]
    recorded = [c for c in rows if services.is_recorded(c) and not services.recording_deleted(c)]

    def render(cdr: SandboxCdr) -> dict:
        return {
            "id": cdr.pk,
            "created_at": payloads.iso(cdr.date),
            "duration": cdr.duration,
            "from": cdr.caller,
            "to": cdr.callee,
            "call_uuid": str(cdr.call_id),
            "url": _recording_url(request, cdr),
        }

    return ok(paginate(request, recorded, "recordings", render))


def _recorded_call(account: SandboxAccount, call_id: str) -> SandboxCdr:
    cdr = services.call_of(account, call_id)
    if not services.is_recorded(cdr):
        raise not_found("Recording")
    return cdr


def recording_get(request: HttpRequest, account: SandboxAccount, call_id: str):
    cdr = _recorded_call(account, call_id)
    if services.recording_deleted(cdr):
        deleted = cdr.date.replace(microsecond=0)
        answer = JsonResponse(
            {
                "success": False,
                "error": True,
                "message": "deleted due to the retention policy settings",
                "deleted_at": payloads.iso(deleted),
            },
            status=400,
        )
        return answer
    answer = HttpResponse(status=200)
    answer["Location"] = f"{_recording_url(request, cdr)}/file"
    return answer


def recording_file(request: HttpRequest, account: SandboxAccount, call_id: str):
    cdr = _recorded_call(account, call_id)
    if services.recording_deleted(cdr):
        raise ApiError(400, "deleted due to the retention policy settings")
    data = speech.wav(str(cdr.call_id))
    wanted = request.headers.get("Range")
    if not wanted:
        answer = HttpResponse(data, content_type="audio/wav")
    else:
        bounds = speech.byte_range(wanted, len(data))
        if bounds is None:
            answer = HttpResponse(status=416, content_type="audio/wav")
            answer["Content-Range"] = f"bytes */{len(data)}"
            return answer
        first, last = bounds
        answer = HttpResponse(data[first : last + 1], status=206, content_type="audio/wav")
        answer["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    answer["Accept-Ranges"] = "bytes"
    return answer


cdr = endpoint(GET=cdr_get)
transcription = endpoint(GET=transcription_get)
retranscribe = endpoint(PUT=retranscribe_put)
recordings = endpoint(GET=recordings_list)
recording = endpoint(GET=recording_get)
# Files are not faulted: a fault there would only test the browser's audio element.
file = endpoint(inject_faults=False, GET=recording_file)
