"""/v1/voice-campaigns: triggering a call flow to one contact and reading the call's status."""

from django.http import HttpRequest, JsonResponse

from .. import payloads
from ..http import body, endpoint, ok
from ..models import SandboxAccount
from ..params import Invalid
from ..services.campaigns import call_of, place_call

FIELDS = ("callflow_id", "caller_id", "contact", "callback_url")


def campaign_create(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("voice_campaign",))
    campaign = params.obj("voice_campaign", required=True)
    if campaign is None:
        raise Invalid("voice_campaign", "is required")
    campaign.only(FIELDS)
    call = place_call(
        account=account,
        callflow_id=campaign.int("callflow_id", required=True, minimum=1),
        caller_id=campaign.str("caller_id", required=True, blank=False, max_length=20),
        contact=campaign.str("contact", required=True, blank=False, max_length=20),
        callback_url=campaign.url("callback_url", default=""),
    )
    return ok({"voice_campaign": payloads.voice_campaign(call)}, status=201)


def campaign_detail(request: HttpRequest, account: SandboxAccount, campaign_id: int):
    return ok({"voice_campaign": payloads.voice_campaign(call_of(account, campaign_id))})


campaigns = endpoint(POST=campaign_create)
campaign = endpoint(GET=campaign_detail)
