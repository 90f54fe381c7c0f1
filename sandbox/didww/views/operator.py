"""The operator's fault injection, over HTTP for benchmarks and `make run`: PUT (or POST)
/didww-sandbox/_operator/faults with the trunk's Basic credentials and a JSON body
`{"fault": "error" | "rate_limit" | "timeout" | "", "count": N, "status": 5xx,
"retry_after": s, "timeout_seconds": s}` makes the trunk's next N sends answer so; GET shows
the setting."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..errors import ApiError
from ..models import SandboxTrunk
from ..trunks import faults_set, trunk_authenticate

MAX_BODY = 4096


def _shown(trunk: SandboxTrunk) -> dict:
    return {
        "fault": trunk.fault,
        "count": trunk.fault_remaining,
        "status": trunk.fault_status,
        "retry_after": trunk.fault_retry_after,
        "timeout_seconds": trunk.fault_timeout_seconds,
    }


def _number(body: dict, name: str, default, kind=int):
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(400, f"{name} must be a number", pointer=f"/{name}")
    if not 0 <= value <= 100_000:
        raise ApiError(400, f"{name} must be between 0 and 100000", pointer=f"/{name}")
    return kind(value)


def _set(request: HttpRequest, trunk: SandboxTrunk) -> SandboxTrunk:
    if len(request.body) > MAX_BODY:
        raise ApiError(400, "The body is too large")
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object")
    fault = body.get("fault", "")
    if fault not in SandboxTrunk.Fault.values:
        raise ApiError(400, f"fault must be one of {SandboxTrunk.Fault.values}", pointer="/fault")
    status = _number(body, "status", 503)
    if not 500 <= status <= 599:
        raise ApiError(400, "status must be a 5xx", pointer="/status")
    return faults_set(
        trunk=trunk,
        fault=fault,
        count=_number(body, "count", 1),
        status=status,
        retry_after=_number(body, "retry_after", 1),
        timeout_seconds=_number(body, "timeout_seconds", 30.0, float) or 30.0,
    )


@csrf_exempt
def faults_view(request: HttpRequest) -> HttpResponse:
    if not settings.WAVIX_SANDBOX_ENABLED:
        raise Http404("The sandbox is disabled")
    trunk = trunk_authenticate(request.headers.get("Authorization", ""))
    if trunk is None:
        return ApiError(401, "Authentication credentials are missing or invalid").response()
    if request.method == "GET":
        return JsonResponse(_shown(trunk))
    if request.method not in ("PUT", "POST"):
        return ApiError(405, "GET, PUT or POST", headers={"Allow": "GET, PUT, POST"}).response()
    try:
        return JsonResponse(_shown(_set(request, trunk)))
    except ApiError as exc:
        return exc.response()
