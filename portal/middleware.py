import re
import uuid

from portal.audit import actor_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Every request has an id (the caller's X-Request-ID if sane), echoed in the response and
    stored with each audit entry, so one action's changes can be found together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class AuditContextMiddleware:
    """Changes made while handling a request are attributed to its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        source = (
            "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "ui"
        )
        token = actor_context.enter_request(request, source)
        try:
            return self.get_response(request)
        finally:
            actor_context.leave(token)


class AdminUnscopedMiddleware:
    """The Django admin is the support staff's cross-tenant view: it runs without a tenant
    scope, explicitly, and only there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        from django_scopes import scopes_disabled

        with scopes_disabled():
            return self.get_response(request)


# A date part in an admin list's query string (`?created_at__year=2026`, the date hierarchy's
# drill-down or a hand-written lookup) and the values it can take. Django turns the value into
# a datetime, or sends it to the database, with no bound: a huge year overflows (a 500).
_DATE_PART_RANGES = {
    # The hierarchy of year Y spans up to Y+1, so 9999 itself overflows.
    "year": (1, 9998, "a year from 1 to 9998"),
    "iso_year": (1, 9998, "a year from 1 to 9998"),
    "quarter": (1, 4, "a quarter from 1 to 4"),
    "month": (1, 12, "a month from 1 to 12"),
    "week": (1, 53, "a week from 1 to 53"),
    "day": (1, 31, "a day from 1 to 31"),
    "week_day": (1, 7, "a weekday from 1 to 7"),
    "iso_week_day": (1, 7, "a weekday from 1 to 7"),
    "hour": (0, 23, "an hour from 0 to 23"),
    "minute": (0, 59, "a minute from 0 to 59"),
    "second": (0, 59, "a second from 0 to 59"),
}
_DATE_PART = re.compile(r"__(" + "|".join(_DATE_PART_RANGES) + r")$")
_SMALL_NUMBER = re.compile(r"^[0-9]{1,5}$")


def date_part_problem(key: str, value: str) -> str | None:
    """What is wrong with `key=value` if `key` names a date part, else None."""
    match = _DATE_PART.search(key)
    if match is None:
        return None
    low, high, rule = _DATE_PART_RANGES[match.group(1)]
    if _SMALL_NUMBER.match(value) and low <= int(value) <= high:
        return None
    shown = value if len(value) <= 40 else value[:40] + "…"
    return f"{key}: “{shown}” is not {rule}; the filter was removed."


class AdminDateLookupMiddleware:
    """Admin lists refuse a date part out of range (the date hierarchy's year, month, day and
    any `__year`-style lookup) with the rule, and show the list without it, for every
    registered admin (the project's and the libraries', e.g. axes' access log)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.path.startswith("/admin/") and request.GET:
            problems = [
                (key, problem)
                for key, values in request.GET.lists()
                for value in values
                if (problem := date_part_problem(key, value))
            ]
            if problems:
                from django.contrib import messages
                from django.http import HttpResponseRedirect

                query = request.GET.copy()
                for key, problem in problems:
                    query.pop(key, None)
                    messages.error(request, problem)
                return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return self.get_response(request)
