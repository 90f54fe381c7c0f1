"""The Outbound SMS API of an HTTP OUT trunk: POST /didww-sandbox/outbound_messages."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.wavix.faults import CLIENT_TIMEOUT_KEY, hang

from ..errors import JSONAPI, ApiError
from ..models import SandboxTrunk
from ..services.messages import message_submit
from ..trunks import fault_draw, trunk_authenticate

MAX_BODY = 64 * 1024


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return MAX_BODY + 1


def _media_type(request: HttpRequest) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


@csrf_exempt
def outbound_messages(request: HttpRequest) -> HttpResponse:
    if not settings.WAVIX_SANDBOX_ENABLED:
        raise Http404("The sandbox is disabled")
    if request.method != "POST":
        return ApiError(405, "Only POST", headers={"Allow": "POST"}).response()
    trunk = trunk_authenticate(request.headers.get("Authorization", ""))
    if trunk is None:
        return ApiError(401, "Authentication credentials are missing or invalid").response()
    if _media_type(request) != JSONAPI:
        return ApiError(415, f"Content-Type must be {JSONAPI}").response()
    fault = fault_draw(trunk)
    if fault == SandboxTrunk.Fault.ERROR:
        return ApiError(trunk.fault_status, "Internal server error, please retry").response()
    if fault == SandboxTrunk.Fault.RATE_LIMIT:
        headers = {"Retry-After": str(trunk.fault_retry_after)}
        return ApiError(429, "Rate limit exceeded", headers=headers).response()
    if _declared_length(request) > MAX_BODY:
        return ApiError(400, "Invalid request: the body is too large", pointer="/data").response()
    try:
        message = message_submit(trunk=trunk, body=request.body)
    except ApiError as exc:
        return exc.response()
    document = {
        "data": {
            "id": str(message.message_id),
            "type": "outbound_messages",
            "attributes": {
                "destination": message.destination,
                "source": message.source,
                "content": message.content,
            },
        }
    }
    if fault == SandboxTrunk.Fault.TIMEOUT:
        # Taken, then the answer comes too late: the client cannot know the outcome.
        hang(trunk.fault_timeout_seconds, request.META.get(CLIENT_TIMEOUT_KEY))
    return JsonResponse(document, status=201, content_type=JSONAPI)


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    if not settings.WAVIX_SANDBOX_ENABLED:
        raise Http404("The sandbox is disabled")
    return ApiError(404, "The resource was not found").response()
