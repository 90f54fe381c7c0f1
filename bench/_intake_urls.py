"""The portal's URLs plus two yardsticks under /hooks/, so that they are served as the
webhooks are (portal/handlers.py: the webhooks' middleware stack): `/hooks/bench/noop/` reads
the body and answers 200, nothing else; `/hooks/bench/one-row/` also writes the body as one
row (one INSERT in autocommit), the floor of any intake that stores each message on its own
before it answers."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal import urls as portal_urls


@csrf_exempt
def noop(request):
    request.read(64 * 1024)
    return JsonResponse({"ok": True})


@csrf_exempt
def one_row(request):
    body = request.read(64 * 1024).decode()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_one_row (body) VALUES (%s) RETURNING id", [body])
        row = cursor.fetchone()
    return JsonResponse({"ok": True, "id": row[0]})


# The portal's own patterns after the yardsticks, as they are (not included under another
# level): the intake's address is resolved here as in production.
urlpatterns = [
    path("hooks/bench/noop/", noop),
    path("hooks/bench/one-row/", one_row),
    *portal_urls.urlpatterns,
]

# The portal's error pages (a wrong token's 404 is the portal's, as in production).
handler404 = "portal.api.errors.handler404"
handler500 = "portal.api.errors.handler500"
