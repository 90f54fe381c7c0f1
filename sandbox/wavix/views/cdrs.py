"""GET /v1/cdrs: call detail records (POST, the transcript search, is in speech.py)."""

import uuid

from django.http import HttpRequest, JsonResponse

from .. import payloads, selectors
from ..http import endpoint, ok, paginate, query
from ..models import SandboxAccount
from ..params import Invalid
from ..services.campaigns import finish_due
from .speech import search_post

DISPOSITIONS = ("answered", "noanswer", "busy", "failed", "all")


def cdrs_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    finish_due(account)  # the voice campaigns' calls that have ended have their records
    params = query(request)
    start, end = params.date("from", required=True), params.date("to", required=True)
    if end < start:
        raise Invalid("to", f"must not be before from ({start})", str(end))
    call_id = params.str("uuid")
    if call_id:
        try:
            uuid.UUID(call_id)
        except ValueError:
            raise Invalid("uuid", "must be a call id (UUID)", call_id) from None
    rows = selectors.cdrs_filtered(
        account,
        type=params.str("type", required=True, choices=("placed", "received")),
        disposition=params.str("disposition", choices=DISPOSITIONS),
        from_search=params.str("from_search"),
        to_search=params.str("to_search"),
        sip_trunk=params.str("sip_trunk"),
        uuid=call_id,
        **{"from": start, "to": end},
    )
    return ok(paginate(request, rows, "items", payloads.cdr))


cdrs = endpoint(GET=cdrs_list, POST=search_post)
