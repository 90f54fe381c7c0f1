"""/v1/trunks: SIP trunks."""

from django.http import HttpRequest, JsonResponse

from .. import payloads
from ..errors import not_found
from ..http import body, endpoint, ok, paginate
from ..models import SandboxAccount, SandboxTrunk
from ..services.trunks import trunk_config, trunk_save


def _trunk(account: SandboxAccount, trunk_id: int) -> SandboxTrunk:
    trunk = account.trunks.filter(pk=trunk_id).first()
    if trunk is None:
        raise not_found("SIP trunk")
    return trunk


def trunks_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    answer = paginate(request, account.trunks.all(), "sip_trunks", payloads.trunk_summary)
    if not answer["pagination"]["total"]:
        answer["sip_trunks"] = None  # Wavix's answer for an account with no trunks at all
    return ok(answer)


def trunk_create(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    trunk = trunk_save(account=account, config=trunk_config(account, body(request)))
    return ok(payloads.trunk(trunk), status=201)


def trunk_retrieve(request: HttpRequest, account: SandboxAccount, trunk_id: int):
    return ok(payloads.trunk(_trunk(account, trunk_id)))


def trunk_replace(request: HttpRequest, account: SandboxAccount, trunk_id: int):
    trunk = _trunk(account, trunk_id)
    trunk = trunk_save(account=account, config=trunk_config(account, body(request)), trunk=trunk)
    return ok(payloads.trunk(trunk))


def trunk_delete(request: HttpRequest, account: SandboxAccount, trunk_id: int):
    _trunk(account, trunk_id).delete()
    return ok({"success": True})


trunks = endpoint(GET=trunks_list, POST=trunk_create)
trunk = endpoint(GET=trunk_retrieve, PUT=trunk_replace, DELETE=trunk_delete)
