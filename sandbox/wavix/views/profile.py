"""GET/PUT /v1/profile."""

from django.http import HttpRequest, JsonResponse

from .. import payloads
from ..http import body, endpoint, invalid_status, ok
from ..models import SandboxAccount
from ..services.profile import profile_changes, profile_update


def retrieve(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    return ok(payloads.profile(account))


@invalid_status(422)
def update(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    account = profile_update(account=account, changes=profile_changes(body(request)))
    return ok(payloads.profile(account))


profile = endpoint(GET=retrieve, PUT=update)
