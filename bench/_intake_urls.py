"""The portal's URLs plus `/bench/noop/`: reads the body and answers 200, nothing else."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def noop(request):
    request.read(64 * 1024)
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/noop/", noop), path("", include("portal.urls"))]
