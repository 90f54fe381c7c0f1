"""The portal's web applications (portal/wsgi.py for gunicorn, portal/asgi.py): the providers'
webhooks, everything under /hooks/, on a shorter middleware stack than the pages.

A webhook is no page: no session, no signed-in user (the unguessable token in its address
names the channel), no CSRF token, no flash messages, no htmx, no HTML for a content security
policy to guard, no sign-in lockout. Django runs every middleware for every request whether
the view needs it or not, and a provider posts its messages by the thousand: under /hooks/
only WEBHOOK_MIDDLEWARE runs (settings: the security headers and HTTPS redirect, the request
id, the host check, the audit's request context), a few dozen microseconds a request instead
of a couple of hundred. Every other address is served exactly as before.

Django's test client builds its own handler with the whole stack: the tests that post webhooks
give it the same split (`webhook_handler` with the client's handler class; tests/conftest.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler

WEBHOOK_PREFIX = "/hooks/"


def webhook_handler(handler_class, *args, **kwargs):
    """An instance of `handler_class` (a Django request handler) built with WEBHOOK_MIDDLEWARE
    as its middleware."""

    class WebhookHandler(handler_class):
        def load_middleware(self, is_async=False):
            # Django's handler reads its middleware from settings.MIDDLEWARE only: the list is
            # swapped for the build (once, as the process starts), then put back.
            pages = settings.MIDDLEWARE
            settings.MIDDLEWARE = settings.WEBHOOK_MIDDLEWARE
            try:
                super().load_middleware(is_async)
            finally:
                settings.MIDDLEWARE = pages

    return WebhookHandler(*args, **kwargs)


def wsgi_application(pages: WSGIHandler):
    """The WSGI application: `pages` for every address but the webhooks'."""
    webhooks = webhook_handler(WSGIHandler)

    def application(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(WEBHOOK_PREFIX):
            return webhooks(environ, start_response)
        return pages(environ, start_response)

    return application


def asgi_application(pages: ASGIHandler):
    """The ASGI application: `pages` for every address but the webhooks'."""
    webhooks = webhook_handler(ASGIHandler)

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope.get("path", "").startswith(WEBHOOK_PREFIX):
            return await webhooks(scope, receive, send)
        return await pages(scope, receive, send)

    return application
