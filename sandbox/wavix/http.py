"""What every sandbox endpoint shares: the on/off switch, authentication by API key (bearer
header or legacy `appid` query parameter), fault injection, Wavix's error format and its
pagination."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import faults
from .accounts import account_for_key
from .errors import ApiError
from .models import SandboxAccount
from .params import Invalid, Params

Handler = Callable[..., HttpResponse]
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25


def ok(payload: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, safe=False)


def invalid_status(status: int) -> Callable[[Handler], Handler]:
    """The status a handler answers bad input with, where the spec says 422 rather than 400."""

    def mark(handler: Handler) -> Handler:
        handler.invalid_status = status
        return handler

    return mark


def body(request: HttpRequest) -> Params:
    if not request.body:
        return Params({})
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Request body must be valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Request body must be a JSON object")
    return Params(data)


def query(request: HttpRequest) -> Params:
    return Params(request.GET)


def authenticate(request: HttpRequest) -> SandboxAccount:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else request.GET.get("appid", "")
    account = account_for_key(key) if key else None
    if account is None:
        raise ApiError(401, "Unauthorized: missing or invalid API key")
    if not account.is_active:
        raise ApiError(401, "Unauthorized: the API key is disabled")
    return account


def endpoint(*, inject_faults: bool = True, **handlers: Handler) -> Handler:
    """One address, a handler per HTTP method. Each handler takes (request, account, **url
    kwargs) and returns a response or raises ApiError/Invalid."""

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not settings.WAVIX_SANDBOX_ENABLED:
            raise Http404("The Wavix sandbox is disabled")
        handler = handlers.get(request.method or "")
        if handler is None:
            return ApiError(405, "Method not allowed", {"Allow": ", ".join(handlers)}).response()
        hang = 0.0
        try:
            account = authenticate(request)
            if inject_faults:
                hang = apply_faults(request, account)
            return handler(request, account, **kwargs)
        except Invalid as exc:
            return ApiError(getattr(handler, "invalid_status", 400), str(exc)).response()
        except ApiError as exc:
            return exc.response()
        finally:
            if hang:
                # A timeout fault: the request is applied (above), the answer comes too late.
                faults.hang(hang, request.META.get(faults.CLIENT_TIMEOUT_KEY))

    return view


def apply_faults(request: HttpRequest, account: SandboxAccount) -> float:
    """Raises the fault drawn for this request (429, 5xx); or the seconds its answer is to
    be held back after it is applied (a timeout); or 0."""
    path = request.path_info.removeprefix("/wavix-sandbox")
    timeout = request.META.get(faults.CLIENT_TIMEOUT_KEY)
    outcome = faults.draw(account, request.method or "", path, timeout)
    if outcome.status == 429:
        raise ApiError(
            429, "Too many requests, retry later", {"Retry-After": str(outcome.retry_after)}
        )
    if outcome.status:
        raise ApiError(outcome.status, "Internal server error, please retry")
    return outcome.hang


def paginate(
    request: HttpRequest, items: QuerySet | list, key: str, render: Callable[[Any], dict]
) -> dict:
    params = query(request)
    page = params.int("page", default=1, minimum=1)
    per_page = params.int("per_page", default=DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * per_page
    return {
        key: [render(item) for item in _page_of(items, start, start + per_page)],
        "pagination": {
            "current_page": page,
            "per_page": per_page,
            "total": total,
            "total_pages": math.ceil(total / per_page),
        },
    }


def _page_of(items: QuerySet | list, start: int, stop: int) -> list:
    """The rows of one page. A queryset is paged on its ids first (an index-only scan on
    `(account, id)`), then only those rows are loaded with their joins: a deep page of a large
    account costs what the first page does."""
    if not isinstance(items, QuerySet):
        return items[start:stop]
    ids = list(items.values_list("pk", flat=True)[start:stop])
    rows = {row.pk: row for row in items.filter(pk__in=ids)}
    return [rows[pk] for pk in ids]
