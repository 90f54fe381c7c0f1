"""Sharing a trunk with tenants: a share gives the tenant a DID pool on the trunk through the
pool service, so the pool rules (one number, one tenant; a number in use cannot leave) hold
unchanged, and the tenant picks its caller IDs among its own numbers there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scopes_disabled

from dids import services as dids_services
from dids.models import Did, NumberOrder, NumberRange
from portal.validation import full_clean
from tenants.models import Tenant, User

from .. import rules, selectors
from ..models import SipTrunk, TrunkAssignment


def _max_calls(trunk: SipTrunk, max_calls, errors: dict) -> None:
    ceiling = trunk.max_channels or rules.MAX_CHANNELS
    if max_calls is None or not 1 <= int(max_calls) <= ceiling:
        where = f"the trunk's {trunk.max_channels} channels" if trunk.max_channels else "Wavix"
        errors["max_calls"] = [
            f"{max_calls} concurrent calls is outside 1 to {ceiling} (the limit of {where})."
        ]


def pool_name(*, trunk: SipTrunk) -> str:
    return f"Trunk #{trunk.pk} {trunk.label}"[:100]


@transaction.atomic
def assignment_save(
    *,
    trunk: SipTrunk,
    tenant: Tenant,
    numbers: str,
    max_calls: int | None,
    assignment: TrunkAssignment | None = None,
) -> TrunkAssignment:
    """Shares a trunk with a tenant (or changes the share): the tenant's pool on the trunk
    holds exactly `numbers`, all or nothing, with the DID pool rules."""
    errors: dict[str, list[str]] = {}
    _max_calls(trunk, max_calls, errors)
    with scopes_disabled():
        if assignment is None and TrunkAssignment.objects.filter(trunk=trunk, tenant=tenant):
            errors["tenant"] = [f"“{trunk}” is already shared with {tenant.name}; edit that share."]
        if assignment is not None:
            assignment = TrunkAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not numbers.strip():
        errors["numbers"] = ["Give the tenant at least one number on this trunk."]
    if errors:
        raise ValidationError(errors)
    pool = assignment.pool if assignment else None
    pool, _ = dids_services.pool_save(
        tenant=tenant, pool=pool, text=numbers, name=pool.name if pool else pool_name(trunk=trunk)
    )
    _callerid_stays_shared(trunk, pool, tenant)
    assignment = assignment or TrunkAssignment(trunk=trunk, tenant=tenant, pool=pool)
    assignment.max_calls = int(max_calls)
    full_clean(assignment)
    assignment.save()
    return assignment


def _callerid_stays_shared(trunk: SipTrunk, pool, tenant: Tenant) -> None:
    """A shared trunk presents a caller ID of a tenant's pool on it (the rule `_callerid`
    keeps for edits of the trunk), so a share that would leave it outside every pool is
    refused, saying what to do."""
    number = trunk.callerid
    if number is None:
        return
    with scopes_disabled():
        pools = {
            pool.pk,
            *TrunkAssignment.objects.filter(trunk=trunk).values_list("pool_id", flat=True),
        }
        inside = NumberRange.objects.filter(
            pool_id__in=pools, start__lte=number, end__gte=number
        ).exists()
    if not inside:
        raise ValidationError(
            {
                "numbers": f"“{trunk}” presents the caller ID +{number}, which would be in no "
                f"tenant's pool on it: add +{number} to {tenant.name}'s numbers here, or first "
                "give the trunk a caller ID among them."
            }
        )


@transaction.atomic
def assignment_delete(*, assignment: TrunkAssignment) -> None:
    """Stops sharing: the share and its pool go; refused while a number of the pool is in use
    (the trunk's caller ID, for one)."""
    with scopes_disabled():
        assignment = TrunkAssignment.objects.select_for_update().get(pk=assignment.pk)
        pool = assignment.pool
        assignment.delete()
        dids_services.pool_delete(pool=pool)


@transaction.atomic
def assignment_set_caller_ids(*, assignment: TrunkAssignment, text: str) -> TrunkAssignment:
    """The tenant's caller IDs on the trunk: its own numbers on this trunk, active on Wavix."""
    assignment = (
        TrunkAssignment.objects.select_for_update().select_related("trunk").get(pk=assignment.pk)
    )
    try:
        numbers = rules.parse_numbers(text)
    except rules.Problems as exc:
        raise ValidationError({"caller_ids": exc.messages}) from exc
    problems = []
    pool = dids_services.current_pool(assignment.pool)
    outside = [n for n in numbers if not pool.contains(n)]
    if outside:
        problems.append(
            "Not numbers of yours on this trunk: " + ", ".join(f"+{n}" for n in outside) + "."
        )
    inactive = sorted(
        set(numbers)
        - set(outside)
        - selectors.active_numbers(account=assignment.trunk.account, numbers=numbers)
    )
    if inactive:
        problems.append(
            "Not active on Wavix, so they cannot call out: "
            + ", ".join(f"+{n}" for n in inactive)
            + "."
        )
    if len(numbers) > 1 and not assignment.trunk.passthrough:
        problems.append(
            f"“{assignment.trunk}” presents one caller ID: several need caller-ID passthrough "
            "(ask your provider)."
        )
    if problems:
        raise ValidationError({"caller_ids": problems})
    assignment.caller_ids = numbers
    assignment.save()
    return assignment


def assignment_route(*, assignment: TrunkAssignment, user: User | None = None) -> NumberOrder:
    """Routes the tenant's numbers on the trunk (those held on its Wavix account) to the trunk:
    one bulk change of their Wavix destinations, carried out as a number order."""
    trunk = assignment.trunk
    if not trunk.wavix_id or not trunk.sip_username:
        raise ValidationError(
            {
                "trunk": f"“{trunk}” is not on Wavix yet (sync state: "
                f"{trunk.get_sync_state_display().lower()}); route once it is in sync."
            }
        )
    with scopes_disabled():
        ranges = NumberRange.objects.filter(pool_id=assignment.pool_id)
        numbers = list(
            Did.objects.held()
            .filter(account=trunk.account)
            .in_ranges_of(ranges)
            .values_list("number", flat=True)
        )
    if not numbers:
        raise ValidationError(
            {
                "numbers": f"None of {assignment.tenant.name}'s numbers on “{trunk}” is held on "
                "Wavix yet; sync the inventory first."
            }
        )
    return dids_services.order_destination(
        numbers=numbers, kind="trunk", value=trunk.sip_username, trunk_id=trunk.wavix_id, user=user
    )
