"""Buying numbers: the cart and its checkout, which moves numbers from Wavix's stock to the
account (activation and first month "charged": the sandbox has no balance to take it from)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..errors import ApiError
from ..models import SandboxAccount, SandboxCartItem, SandboxNumber, SandboxStockNumber

PAID_PERIOD = dt.timedelta(days=30)


def _numbers(ids: list[str]) -> list[str]:
    return [i.strip().lstrip("+") for i in ids]


def cart_add(*, account: SandboxAccount, ids: list[str]) -> None:
    wanted = _numbers(ids)
    stock = {s.number: s for s in SandboxStockNumber.objects.filter(number__in=wanted)}
    missing = [n for n in wanted if n not in stock]
    if missing:
        raise ApiError(404, f"Numbers not available for purchase: {', '.join(missing)}")
    with transaction.atomic():
        for s in stock.values():
            SandboxCartItem.objects.get_or_create(account=account, stock_number=s)


def cart_remove(*, account: SandboxAccount, ids: list[str]) -> None:
    wanted = _numbers(ids)
    items = SandboxCartItem.objects.filter(account=account, stock_number__number__in=wanted)
    found = set(items.values_list("stock_number__number", flat=True))
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ApiError(404, f"Numbers not in the cart: {', '.join(missing)}")
    items.delete()


def cart_checkout(*, account: SandboxAccount, ids: list[str]) -> list[SandboxNumber]:
    wanted = _numbers(ids)
    now = timezone.now()
    with transaction.atomic():
        items = list(
            SandboxCartItem.objects.select_for_update()
            .select_related("stock_number__city__country")
            .filter(account=account, stock_number__number__in=wanted)
        )
        found = {i.stock_number.number for i in items}
        missing = [n for n in wanted if n not in found]
        if missing:
            raise ApiError(404, f"Numbers not in the cart: {', '.join(missing)}")
        bought = [_purchase(account, item.stock_number, now) for item in items]
        # Deleting the stock rows also empties them from every other account's cart.
        SandboxStockNumber.objects.filter(pk__in=[i.stock_number_id for i in items]).delete()
    return bought


def _purchase(account: SandboxAccount, s: SandboxStockNumber, now: dt.datetime) -> SandboxNumber:
    number = SandboxNumber(
        account=account,
        number=s.number,
        city=s.city,
        activation_fee=s.activation_fee,
        monthly_fee=s.monthly_fee,
        per_min=s.per_min,
        sms_price=s.sms_price,
        channels=s.channels,
        # Numbers that need documents stay inactive until Wavix approves them.
        status=SandboxNumber.Status.INACTIVE if s.require_docs else SandboxNumber.Status.ACTIVE,
        require_docs=[str(d) for d in s.require_docs],
        sms_enabled=s.sms_enabled,
        cnam=s.cnam,
        domestic_cli=s.domestic_cli,
        free_min=s.free_min,
        added=now,
        paid_until=(now + PAID_PERIOD).date(),
    )
    number.full_clean()
    number.save()
    return number
