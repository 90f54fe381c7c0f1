"""The fake DIDWW under /didww-sandbox/ (an HTTP OUT trunk's base URL is .../didww-sandbox),
plus the operator's page under /didww-sandbox/_operator/."""

from django.urls import path, re_path

from .views import api, operator, simulate

app_name = "didww_sandbox"

urlpatterns = [
    path("outbound_messages", api.outbound_messages, name="outbound_messages"),
    path(
        "_operator/simulate-inbound/",
        simulate.SimulateInboundView.as_view(),
        name="simulate_inbound",
    ),
    path("_operator/faults", operator.faults_view, name="operator_faults"),
    re_path(r"^(?P<rest>.*)$", api.unknown, name="unknown"),
]
