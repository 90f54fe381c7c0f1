"""The portal's URLs plus `/bench/noop/`: reads the body and answers 200, nothing else."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def noop(request):
    request.read(64 * 1024)
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/noop/", noop), path("", include("portal.urls"))]

# The portal's error pages (a wrong token's 404 is the portal's, as in production).
handler404 = "portal.api.errors.handler404"
handler500 = "portal.api.errors.handler500"
