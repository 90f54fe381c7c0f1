"""The sandbox speaks Wavix's paths under /wavix-sandbox/ (a client's base URL is
.../wavix-sandbox), plus operator actions under /wavix-sandbox/_operator/."""

from django.http import HttpRequest
from django.urls import path, re_path

from .errors import not_found
from .http import endpoint
from .views import (
    buy,
    campaigns,
    cdrs,
    documents,
    e911,
    messages,
    numbers,
    operator,
    profile,
    senders,
    simulate,
    speech,
    trunks,
)
from .views import validation as validator

app_name = "wavix_sandbox"


def _unknown(request: HttpRequest, account) -> None:
    raise not_found("Resource")


unknown = endpoint(
    inject_faults=False, **dict.fromkeys(("GET", "POST", "PUT", "PATCH", "DELETE"), _unknown)
)


urlpatterns = [
    path("v1/profile", profile.profile, name="profile"),
    path("v1/numbers", numbers.numbers, name="numbers"),
    path("v1/numbers/papers", documents.papers, name="number_papers"),
    path("v1/numbers/<int:number_id>", numbers.number, name="number"),
    path("v1/buy/countries", buy.countries_view, name="countries"),
    path("v1/buy/countries/<int:country_id>/regions", buy.regions_view, name="regions"),
    path("v1/buy/countries/<int:country_id>/cities", buy.cities_view, name="cities"),
    path(
        "v1/buy/countries/<int:country_id>/regions/<int:region_id>/cities",
        buy.region_cities_view,
        name="region_cities",
    ),
    path(
        "v1/buy/countries/<int:country_id>/cities/<int:city_id>/dids",
        buy.dids_view,
        name="dids",
    ),
    path("v1/buy/cart", buy.cart, name="cart"),
    path("v1/buy/cart/checkout", buy.cart_checkout_view, name="cart_checkout"),
    path("v1/trunks", trunks.trunks, name="trunks"),
    path("v1/trunks/<int:trunk_id>", trunks.trunk, name="trunk"),
    path("v3/messages", messages.messages, name="messages"),
    path("v3/messages/sender-ids", senders.sender_ids, name="sender_ids"),
    # The self-service check; SDKs spell it with an underscore or a dash, v2 or v3.
    re_path(
        r"^v[23]/messages/sender[-_]ids/restrictions$",
        senders.sender_id_restrictions,
        name="sender_id_restrictions",
    ),
    path("v3/messages/sender-ids/<str:sender_id>", senders.sender_id, name="sender_id"),
    path("v3/messages/opt-outs", senders.opt_outs, name="opt_outs"),
    path("v3/messages/<str:message_id>", messages.message, name="message"),
    path("v1/e911-records", e911.records, name="e911_records"),
    path("v1/e911-records/validate-address", e911.validate, name="e911_validate"),
    path("v1/cdrs", cdrs.cdrs, name="cdrs"),
    path("v1/cdrs/<str:call_id>", speech.cdr, name="cdr"),
    path("v1/cdrs/<str:call_id>/transcription", speech.transcription, name="transcription"),
    path("v1/cdrs/<str:call_id>/retranscribe", speech.retranscribe, name="retranscribe"),
    path("v1/recordings", speech.recordings, name="recordings"),
    path("v1/recordings/<str:call_id>", speech.recording, name="recording"),
    path("v1/recordings/<str:call_id>/file", speech.file, name="recording_file"),
    path("v1/voice-campaigns", campaigns.campaigns, name="voice_campaigns"),
    path("v1/voice-campaigns/<int:campaign_id>", campaigns.campaign, name="voice_campaign"),
    path("v1/validation", validator.validation, name="validation"),
    path("v1/validation/<str:request_id>", validator.validation_results, name="validation_results"),
    path("_operator/inbound", operator.inbound_view, name="operator_inbound"),
    # The page a visitor of `make run` sends an inbound message from (signed-in users).
    path(
        "_operator/simulate-inbound/",
        simulate.SimulateInboundView.as_view(),
        name="simulate_inbound",
    ),
    path("_operator/faults", operator.faults_view, name="operator_faults"),
    path(
        "_operator/trunks/<int:trunk_id>/review",
        operator.trunk_review_endpoint,
        name="operator_trunk_review",
    ),
    # Anything else answers like Wavix does for an unknown address, in its error format.
    re_path(r"^.*$", unknown, name="unknown"),
]
