"""The portal's URLs plus two yardsticks: `/bench/noop/` reads the body and answers 200,
nothing else; `/bench/one-row/` also writes the body as one row (one INSERT in autocommit),
the floor of any intake that stores what arrives before it answers."""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


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


urlpatterns = [
    path("bench/noop/", noop),
    path("bench/one-row/", one_row),
    path("", include("portal.urls")),
]

# The portal's error pages (a wrong token's 404 is the portal's, as in production).
handler404 = "portal.api.errors.handler404"
handler500 = "portal.api.errors.handler500"
