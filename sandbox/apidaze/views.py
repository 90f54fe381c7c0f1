"""Apidaze's paths as the fake serves them (a channel's base URL is .../apidaze-sandbox):
`POST /<api_key>/sms/send?api_secret=`, `GET /<api_key>/validates?api_secret=`, and the
operator's fault injection. Errors are JSON `{"status": "error", "message": ...}` (with the
`field` a 400 is about), 401 for an unknown key, 403 for a wrong secret, 429 past the
account's rate (with Retry-After)."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from portal.webhooks import quiet
from sandbox.wavix.faults import CLIENT_TIMEOUT_KEY, hang

from .models import ApidazeAccount
from .services import Refused, authenticate, fault_draw, faults_set, message_send

MAX_BODY = 64 * 1024


def _error(exc: Refused, retry_after: int | None = None) -> JsonResponse:
    body = {"status": "error", "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    # Kept out of Django's request log: the path carries the API key (in-process, the fake
    # logs to the portal's log).
    response = quiet(JsonResponse(body, status=exc.status))
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _only(request: HttpRequest, method: str) -> JsonResponse | None:
    if request.method == method:
        return None
    return JsonResponse({"status": "error", "message": f"Use {method}."}, status=405)


def _faulted(account: ApidazeAccount, fault: str) -> JsonResponse | None:
    if fault == ApidazeAccount.Fault.RATE_LIMITED:
        return _error(Refused(429, "Rate limit exceeded."), retry_after=account.retry_after)
    if fault in (ApidazeAccount.Fault.SERVER_ERROR, ApidazeAccount.Fault.UNAVAILABLE):
        return _error(Refused(int(fault), "Internal error, try again later."))
    return None


@csrf_exempt
def sms_send(request: HttpRequest, api_key: str):
    if (refused := _only(request, "POST")) is not None:
        return refused
    try:
        account = authenticate(api_key, request.GET.get("api_secret", ""))
    except Refused as exc:
        return _error(exc)
    fault = fault_draw(account)
    if (faulted := _faulted(account, fault)) is not None:
        return faulted
    if len(request.body) > MAX_BODY:
        return _error(Refused(413, "The request is too large."))
    try:
        message = message_send(account=account, fields=request.POST.dict())
    except Refused as exc:
        retry = account.retry_after if exc.status == 429 else None
        return _error(exc, retry_after=retry)
    if fault == ApidazeAccount.Fault.TIMEOUT:
        # Applied, then the answer is held back until the client has given up.
        hang(account.timeout_seconds, request.META.get(CLIENT_TIMEOUT_KEY))
    return JsonResponse({"status": "ok", "message_id": str(message.pk)})


def validates(request: HttpRequest, api_key: str):
    if (refused := _only(request, "GET")) is not None:
        return refused
    try:
        authenticate(api_key, request.GET.get("api_secret", ""))
    except Refused as exc:
        return _error(exc)
    return JsonResponse({"status": "ok", "message": "API key and secret are valid."})


@csrf_exempt
def operator_faults(request: HttpRequest):
    """POST {"api_key", "api_secret", "fault": "500|503|429|timeout", "count": N}: the next N
    sends of the account get the fault (count 0 turns faults off)."""
    if (refused := _only(request, "POST")) is not None:
        return refused
    try:
        if len(request.body) > MAX_BODY:
            raise ValueError
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
        account = authenticate(str(body.get("api_key", ""))[:100], str(body.get("api_secret", "")))
        account = faults_set(
            account=account,
            fault=str(body.get("fault", ""))[:10],
            count=int(body.get("count", 0)),
            retry_after=int(body.get("retry_after", 1)),
        )
    except Refused as exc:
        return _error(exc)
    except (ValueError, TypeError, RecursionError):
        return _error(Refused(400, "The body must be a JSON object with a whole-number count."))
    return JsonResponse({"fault": account.fault, "count": account.fault_count})
