"""The portal's web applications (portal/wsgi.py for gunicorn, portal/asgi.py): the providers'
webhooks, everything under /hooks/, on a shorter middleware stack than the pages.

A webhook is no page: no session, no signed-in user (the unguessable token in its address
names the channel), no CSRF token, no flash messages, no htmx, no HTML for a content security
policy to guard, no sign-in lockout. Django runs every middleware for every request whether
the view needs it or not, and a provider posts its messages by the thousand: under /hooks/
only WEBHOOK_MIDDLEWARE runs (settings: the security headers and HTTPS redirect, the request
id, the host check, the audit's request context), about 145 microseconds less a request than
the whole stack. Every other address is served exactly as before.

Django's test client builds its own handler with the whole stack: tests/conftest.py gives it
the same split (`WebhookMiddleware` on the client's handler class, `is_webhook`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler

WEBHOOK_PREFIX = "/hooks/"


def is_webhook(path_info: str) -> bool:
    """Whether the address (its path below the portal's own prefix) is a provider's webhook."""
    return path_info.startswith(WEBHOOK_PREFIX)


class WebhookMiddleware:
    """Mixed into a Django request handler: it is built with WEBHOOK_MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        # Django's handler reads its middleware from settings.MIDDLEWARE only: the list is
        # swapped for the build (once, as the process starts), then put back.
        pages = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.WEBHOOK_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages


class WebhookWSGIHandler(WebhookMiddleware, WSGIHandler):
    pass


class WebhookASGIHandler(WebhookMiddleware, ASGIHandler):
    pass


def wsgi_application(pages: WSGIHandler):
    """The WSGI application: `pages` for every address but the webhooks'."""
    webhooks = WebhookWSGIHandler()

    def application(environ, start_response):
        if is_webhook(environ.get("PATH_INFO", "")):
            return webhooks(environ, start_response)
        return pages(environ, start_response)

    return application


def asgi_application(pages: ASGIHandler):
    """The ASGI application: `pages` for every address but the webhooks'. An ASGI path holds
    the prefix the portal is mounted at (`root_path`), which Django takes off as here."""
    webhooks = WebhookASGIHandler()

    async def application(scope, receive, send):
        if scope["type"] == "http":
            path = scope.get("path", "").removeprefix(scope.get("root_path", ""))
            if is_webhook(path):
                return await webhooks(scope, receive, send)
        return await pages(scope, receive, send)

    return application
