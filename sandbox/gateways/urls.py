"""The fake gateways under /gateway-sandbox/<gateway>/, each at its gateway's own paths (a
channel's URL is .../gateway-sandbox/bulksms/v1/messages), and the operator page at
/gateway-sandbox/."""

from django.urls import path

from . import views

app_name = "gateways_sandbox"

urlpatterns = [
    path("", views.operator, name="operator"),
    path("bulksms/v1/messages", views.bulksms_messages, name="bulksms_messages"),
    path("bulksms/v1/profile", views.bulksms_profile, name="bulksms_profile"),
    path("clickatell/v1/message", views.clickatell_message, name="clickatell_message"),
    path("clickatell/public-client/balance", views.clickatell_balance, name="clickatell_balance"),
    path("burstsms/send-sms.json", views.burstsms_send, name="burstsms_send"),
    path("burstsms/get-balance.json", views.burstsms_balance, name="burstsms_balance"),
]
