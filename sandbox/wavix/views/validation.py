"""/v1/validation: the number validator."""

import uuid

from django.http import HttpRequest, JsonResponse

from .. import lookup
from ..errors import not_found
from ..http import body, endpoint, ok, query
from ..models import SandboxAccount
from ..params import Invalid
from ..services.validator import (
    DEPTHS,
    MAX_NUMBERS,
    batch,
    validation_request_create,
    validation_request_poll,
    validation_run,
)


def validate_one(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = query(request)
    phone_number = params.str("phone_number", required=True, blank=False)
    depth = params.str("type", required=True, choices=DEPTHS)
    return ok(lookup.validate(phone_number, depth))


def validate_many(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    params = body(request)
    params.only(("phone_numbers", "type", "async", "force"))
    phone_numbers = params.strings("phone_numbers", required=True, nonempty=True)
    if len(phone_numbers) > MAX_NUMBERS:
        raise Invalid("phone_numbers", f"must have at most {MAX_NUMBERS} items", len(phone_numbers))
    depth = params.str("type", required=True, choices=DEPTHS)
    run_async = params.bool("async", required=True)
    params.bool("force", required=True)  # results are computed fresh every time anyway
    if run_async:
        request_row = validation_request_create(
            account=account, phone_numbers=phone_numbers, depth=depth
        )
        return ok({"request_id": str(request_row.pk)})
    return ok(batch(validation_run(phone_numbers=phone_numbers, depth=depth)))


def results(request: HttpRequest, account: SandboxAccount, request_id: str) -> JsonResponse:
    try:
        key = uuid.UUID(request_id)
    except ValueError:
        raise not_found("Validation request") from None
    row = account.validations.filter(pk=key).first()
    if row is None:
        raise not_found("Validation request")
    return ok(validation_request_poll(request=row))


validation = endpoint(GET=validate_one, POST=validate_many)
validation_results = endpoint(GET=results)
