"""/v1/e911-records: validating, associating, listing and deleting emergency addresses (the
operations Wavix's SDKs call that its OpenAPI spec lacks; described in
tests/contract/wavix-supplement.json)."""

from django.http import HttpRequest, JsonResponse

from .. import numbering, payloads
from ..http import body, endpoint, ok, paginate, query
from ..models import SandboxAccount
from ..services.e911 import (
    CANDIDATES,
    address_validate,
    e911_associate,
    e911_delete,
    e911_number,
    read_address,
)

FIELDS = ("phone_number", "name", "address")


def validate_address(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(FIELDS)
    phone_number = params.str("phone_number", required=True, blank=False)
    params.str("name", max_length=100)
    address = read_address(params, association=False)
    number = e911_number(account, phone_number)
    result = address_validate(address)
    answer = {
        "status": result.status,
        "number": number.number,
        "corrected_address": result.corrected,
    }
    if result.status == CANDIDATES:
        answer["candidates"] = result.candidates
    return ok(answer)


def records_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    rows = account.e911.all()
    phone_number = query(request).str("phone_number")
    if phone_number:
        rows = rows.filter(phone_number=numbering.normalize(phone_number) or phone_number)
    return ok(paginate(request, rows, "items", payloads.e911_record))


def record_create(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(FIELDS)
    e911_associate(
        account=account,
        phone_number=params.str("phone_number", required=True, blank=False),
        name=params.str("name", required=True, blank=False, max_length=100),
        address=read_address(params, association=True),
    )
    return ok({"success": True})


def record_delete(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    phone_number = query(request).str("phone_number", required=True, blank=False)
    e911_delete(account=account, phone_number=phone_number)
    return ok({"success": True})


records = endpoint(GET=records_list, POST=record_create, DELETE=record_delete)
validate = endpoint(POST=validate_address)
