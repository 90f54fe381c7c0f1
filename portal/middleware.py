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
