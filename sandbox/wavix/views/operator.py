"""Operator actions under /wavix-sandbox/_operator/: what happens on Wavix's side without an
API call (an SMS arriving, a trunk review) and fault injection. Authenticated with the
account's API key like the API, and never subject to the faults they set."""

from django.http import HttpRequest, JsonResponse

from .. import faults, payloads
from ..errors import not_found
from ..http import body, endpoint, ok
from ..models import SandboxAccount
from ..services.messaging import message_receive
from ..services.trunks import trunk_review


def inbound(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("to", "from", "text", "media"))
    message = message_receive(
        account=account,
        to=params.str("to", required=True, blank=False),
        sender=params.str("from", required=True, blank=False),
        text=params.str("text", default=""),
        media=params.strings("media"),
    )
    return ok(payloads.inbound_message(message), status=201)


def faults_get(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    return ok(faults.as_dict(faults.faults_of(account)))


def faults_put(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(faults.FIELDS)
    settings = {
        "error_rate": params.decimal("error_rate"),
        "error_status": params.int("error_status", minimum=500, maximum=599),
        "rate_limit_rate": params.decimal("rate_limit_rate"),
        "retry_after": params.int("retry_after", minimum=0),
        "latency_ms": params.int("latency_ms", minimum=0),
        "timeout_rate": params.decimal("timeout_rate"),
        "timeout_seconds": params.decimal("timeout_seconds"),
        "seed": params.int("seed"),
        "path_prefix": params.str("path_prefix"),
        "methods": params.str("methods", pattern=r"[A-Za-z, ]*", rule="must be HTTP methods"),
    }
    given = {name: value for name, value in settings.items() if value is not None}
    for name in ("error_rate", "rate_limit_rate", "timeout_rate", "timeout_seconds"):
        if name in given:
            given[name] = float(given[name])
    return ok(faults.as_dict(faults.faults_set(account=account, **given)))


def trunk_review_view(request: HttpRequest, account: SandboxAccount, trunk_id: int):
    trunk = account.trunks.filter(pk=trunk_id).first()
    if trunk is None:
        raise not_found("SIP trunk")
    decision = body(request).str("decision", required=True, choices=("approve", "reject"))
    return ok(payloads.trunk_summary(trunk_review(trunk=trunk, approve=decision == "approve")))


inbound_view = endpoint(POST=inbound, inject_faults=False)
faults_view = endpoint(GET=faults_get, POST=faults_put, PUT=faults_put, inject_faults=False)
trunk_review_endpoint = endpoint(POST=trunk_review_view, inject_faults=False)
