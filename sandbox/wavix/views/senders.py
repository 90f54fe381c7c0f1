"""/v3/messages/sender-ids, the self-service check, and /v3/messages/opt-outs."""

import uuid

from django.http import HttpRequest, JsonResponse

from .. import catalogue, payloads, selectors
from ..errors import not_found
from ..http import body, endpoint, invalid_status, ok, paginate, query
from ..models import SandboxAccount, SandboxSenderId
from ..services.senders import (
    MONTHLY_VOLUMES,
    USECASES,
    opt_out_create,
    sender_id_create,
)

TYPES = ("numeric", "alphanumeric")


def sender_ids_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    return ok({"items": [payloads.sender_id(s) for s in account.sender_ids.all()]})


def sender_id_register(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("sender_id", "type", "countries", "usecase", "monthly_volume", "samples"))
    sender = sender_id_create(
        account=account,
        sender_id=params.str("sender_id", required=True, blank=False),
        type=params.str("type", required=True, choices=TYPES),
        countries=params.strings("countries", required=True, nonempty=True),
        usecase=params.str("usecase", required=True, choices=USECASES),
        monthly_volume=params.str("monthly_volume", default="", choices=MONTHLY_VOLUMES),
        samples=params.strings("samples"),
    )
    return ok(payloads.sender_id(sender), status=201)


def _sender(account: SandboxAccount, sender_id: str) -> SandboxSenderId:
    try:
        key = uuid.UUID(sender_id)
    except ValueError:
        raise not_found("Sender ID") from None
    sender = account.sender_ids.filter(pk=key).first()
    if sender is None:
        raise not_found("Sender ID")
    return sender


def sender_id_retrieve(request: HttpRequest, account: SandboxAccount, sender_id: str):
    return ok(payloads.sender_id(_sender(account, sender_id)))


def sender_id_delete(request: HttpRequest, account: SandboxAccount, sender_id: str):
    _sender(account, sender_id).delete()
    return ok({"success": True})


def restrictions(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = query(request)
    # The seed document names the parameters country_code and sender_type; SDKs say
    # country and type. Both are understood.
    country = params.str("country") or params.str("country_code")
    kind = params.str("type") or params.str("sender_type")
    if not country:
        params.str("country", required=True)
    if kind not in TYPES:
        params.str("type", required=True, choices=TYPES)
    return ok({"self_service": catalogue.self_service(country.upper(), kind)})


def opt_outs_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = query(request)
    rows = selectors.opt_outs_filtered(
        account,
        sender_id=params.str("sender_id"),
        campaign_id=params.str("campaign_id"),
        created_after=params.date("created_after"),
        created_before=params.date("created_before"),
    )
    return ok(paginate(request, rows, "items", payloads.opt_out))


@invalid_status(400)
def opt_out_register(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("opt_out",))
    opt_out = params.obj("opt_out", required=True)
    opt_out.only(("number", "sender_id"))
    opt_out_create(
        account=account,
        number=opt_out.str("number", required=True, blank=False),
        sender_id=opt_out.str("sender_id"),
    )
    return ok({"success": True}, status=201)


sender_ids = endpoint(GET=sender_ids_list, POST=sender_id_register)
sender_id = endpoint(GET=sender_id_retrieve, DELETE=sender_id_delete)
sender_id_restrictions = endpoint(GET=restrictions)
opt_outs = endpoint(GET=opt_outs_list, POST=opt_out_register)
