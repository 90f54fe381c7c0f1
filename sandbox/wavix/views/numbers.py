"""/v1/numbers: the account's purchased numbers."""

from django.http import HttpRequest, JsonResponse

from .. import numbering, payloads, selectors
from ..errors import ApiError, not_found
from ..http import body, endpoint, ok, paginate, query
from ..models import SandboxAccount
from ..params import Invalid
from ..services.documents import documents_review_due
from ..services.numbers import UPDATABLE, number_changes, numbers_of, numbers_release
from ..services.numbers import numbers_update as update_numbers


def numbers_list(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    documents_review_due(account)
    params = query(request)
    numbers = selectors.numbers_filtered(
        account,
        city_id=params.int("city_id"),
        search=params.str("search"),
        label=params.str("label"),
        label_present=params.bool("label_present"),
    )
    answer = paginate(request, numbers, "items", payloads.number)
    return ok({**answer, "doc_types": payloads.doc_types()})


def numbers_bulk_update(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("ids", *UPDATABLE))
    ids = params.list("ids", required=True)
    if not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise Invalid("ids", "must be a non-empty array of number ids", ids)
    changes = number_changes(account, params)
    numbers = numbers_of(account, ids)
    update_numbers(numbers=numbers, changes=changes)
    fresh = selectors.numbers_for_list(account).filter(pk__in=ids)
    return ok({"items": [payloads.number(n) for n in fresh]})


def numbers_release_view(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    ids, dids = request.GET.getlist("ids"), request.GET.get("dids", "")
    if bool(ids) == bool(dids):
        raise ApiError(422, "Missing or invalid parameter ids: give either ids or dids")
    if ids:
        if not all(i.isdigit() for i in ids):
            raise ApiError(422, f"Missing or invalid parameter ids: must be integers (got {ids})")
        numbers = numbers_of(account, [int(i) for i in ids])
    else:
        wanted = [numbering.normalize(d) or d for d in dids.split(",") if d.strip()]
        numbers = list(account.numbers.filter(number__in=wanted))
        missing = sorted(set(wanted) - {n.number for n in numbers})
        if missing:
            raise ApiError(404, f"Numbers not found: {', '.join(missing)}")
    numbers_release(account=account, numbers=numbers)
    return ok({"success": True})


def number_retrieve(request: HttpRequest, account: SandboxAccount, number_id: int):
    documents_review_due(account)
    number = selectors.numbers_for_list(account).filter(pk=number_id).first()
    if number is None:
        raise not_found("Number")
    return ok(payloads.number(number))


def number_update(request: HttpRequest, account: SandboxAccount, number_id: int):
    params = body(request)
    params.only(UPDATABLE)
    numbers = numbers_of(account, [number_id])
    update_numbers(numbers=numbers, changes=number_changes(account, params))
    return number_retrieve(request, account, number_id)


numbers = endpoint(GET=numbers_list, PATCH=numbers_bulk_update, DELETE=numbers_release_view)
number = endpoint(GET=number_retrieve, PATCH=number_update)
