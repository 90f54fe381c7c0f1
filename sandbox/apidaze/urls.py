"""The fake speaks Apidaze's paths under /apidaze-sandbox/ (a channel's base URL is
.../apidaze-sandbox), plus operator actions under /apidaze-sandbox/_operator/."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path

from . import simulate, views


def enabled(view):
    """As the Wavix sandbox: installed, yet answering only while the flag is on."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.WAVIX_SANDBOX_ENABLED:
            raise Http404("The Apidaze sandbox is disabled")
        return view(request, *args, **kwargs)

    return wrapped


app_name = "apidaze_sandbox"

urlpatterns = [
    path("_operator/faults", enabled(views.operator_faults), name="operator_faults"),
    path(
        "_operator/simulate-inbound/",
        enabled(simulate.SimulateInboundView.as_view()),
        name="simulate_inbound",
    ),
    path("<str:api_key>/sms/send", enabled(views.sms_send), name="sms_send"),
    path("<str:api_key>/validates", enabled(views.validates), name="validates"),
]
