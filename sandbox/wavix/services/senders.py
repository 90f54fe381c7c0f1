"""Sender IDs (what recipients see as the sender) and opt-outs (who must not be messaged)."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from .. import catalogue, numbering
from ..errors import ApiError
from ..models import SandboxAccount, SandboxOptOut, SandboxSenderId
from ..params import Invalid
from .messaging import ALPHANUMERIC_SENDER, sms_enabled_number

USECASES = ("transactional", "promo", "authentication")
MONTHLY_VOLUMES = ("1-1000", "1001-20000", "20001-50000", "50001-100000", "More than 100000")
COUNTRY = re.compile(r"[A-Z]{2}")


def sender_id_create(
    *,
    account: SandboxAccount,
    sender_id: str,
    type: str,
    countries: list[str],
    usecase: str,
    monthly_volume: str = "",
    samples: list[str] | None = None,
) -> SandboxSenderId:
    """Registers a sender ID; it is allowlisted at once where self-service is possible and
    waits for a manual registration elsewhere."""
    for i, country in enumerate(countries):
        if not COUNTRY.fullmatch(country):
            raise Invalid(f"countries[{i}]", "must be a two-letter ISO country code", country)
    if type == SandboxSenderId.Type.NUMERIC:
        digits = numbering.normalize(sender_id)
        if sms_enabled_number(account, digits) is None:
            raise Invalid("sender_id", "must be an SMS-enabled number of the account", sender_id)
        sender_id = digits
    else:
        if not ALPHANUMERIC_SENDER.fullmatch(sender_id):
            raise Invalid(
                "sender_id", "must be up to 11 ASCII letters, digits and spaces", sender_id
            )
        refused = sorted(set(countries) & catalogue.ALPHANUMERIC_NOT_ALLOWED)
        if refused:
            raise Invalid(
                "countries",
                "alphanumeric sender IDs are not allowed in " + ", ".join(refused),
                countries,
            )
    sender = SandboxSenderId(
        account=account,
        sender_id=sender_id,
        type=type,
        countries=countries,
        allowlisted_in=[c for c in countries if catalogue.self_service(c, type)],
        usecase=usecase,
        monthly_volume=monthly_volume,
        samples=samples or [],
    )
    sender.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            sender.save()
    except IntegrityError:
        raise ApiError(400, f"Sender ID {sender_id} already exists on the account") from None
    return sender


def sender_id_allowlist(*, sender: SandboxSenderId, countries: list[str]) -> SandboxSenderId:
    """Wavix's provisioning team finishing a manual registration (an operator action): the
    sender ID is allow-listed in these of its countries."""
    with transaction.atomic():
        sender = SandboxSenderId.objects.select_for_update().get(pk=sender.pk)
        listed = set(sender.allowlisted_in) | (set(countries) & set(sender.countries))
        sender.allowlisted_in = sorted(listed)
        sender.save(update_fields=["allowlisted_in"])
    return sender


def known_sender(account: SandboxAccount, sender: str) -> bool:
    digits = numbering.normalize(sender)
    return (
        SandboxSenderId.objects.filter(account=account, sender_id__in=[sender, digits]).exists()
        or sms_enabled_number(account, digits) is not None
    )


def opt_out_create(
    *, account: SandboxAccount, number: str, sender_id: str | None = None
) -> SandboxOptOut:
    digits = numbering.normalize(number)
    if digits is None:
        raise Invalid("opt_out.number", "must be a phone number in E.164 format", number)
    if sender_id is not None and not known_sender(account, sender_id):
        raise ApiError(404, f"Sender ID {sender_id} not found on the account")
    sender = None if sender_id is None else numbering.normalize(sender_id) or sender_id
    opt_out, _ = SandboxOptOut.objects.get_or_create(
        account=account, phone_number=digits, sender_id=sender
    )
    return opt_out
