"""Numbers a trunk uses, registered with the DID pool rules (dids.usage): a number that is a
trunk's caller ID, or a caller ID a tenant chose on a shared trunk, cannot leave its pool."""

from __future__ import annotations

from django_scopes import scopes_disabled

from dids.ranges import Pool
from dids.usage import Use


def trunk_number_uses(tenant, numbers: Pool) -> list[Use]:
    from .models import SipTrunk, TrunkAssignment

    uses = []
    with scopes_disabled():
        trunks = SipTrunk.objects.filter(callerid__isnull=False).values_list("callerid", "label")
        for callerid, label in trunks:
            if numbers.contains(callerid):
                uses.append(Use(callerid, f"caller ID of trunk “{label}”"))
        shares = TrunkAssignment.objects.filter(tenant=tenant).values_list(
            "caller_ids", "trunk__label"
        )
        for caller_ids, label in shares:
            for number in caller_ids or []:
                if numbers.contains(int(number)):
                    uses.append(Use(int(number), f"caller ID of {tenant.name} on trunk “{label}”"))
    return uses
