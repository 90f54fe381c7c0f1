"""Numbers attached to channels that are not Wavix channels (DIDWW, Apidaze, HTTP gateways).

A system administrator types them in the pool syntax (`16468097065-16468097066;16468097070`);
each becomes an inventory row (a `Did` without a Wavix account, SMS-enabled) linked to the
channel (`ChannelNumber`). So routing rules, sender IDs, conversations and the pools read them
as every other number: a tenant uses one only when it is in the tenant's pool, and a number
belongs to one tenant at most. A number is on one channel at most, and never both held on a
Wavix account and attached.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_scopes import scopes_disabled

from dids.models import Did
from dids.ranges import Pool
from dids.services.pools import parse_pool
from portal import phone

from ..models import Channel, ChannelKind, ChannelNumber, SenderId

MAX_ATTACHED = 10_000  # numbers per channel
SHOWN = 5  # numbers named in one error before "and N more"


def on_a_channel() -> Q:
    """Inventory rows (`Did`) that send and receive through a channel: on a Wavix account with
    a channel, or attached to one."""
    return Q(account__messaging_channel__isnull=False) | Q(channel_link__isnull=False)


def number_channel(did: Did) -> Channel | None:
    """The channel a number goes through, or None."""
    try:
        return did.channel_link.channel
    except ChannelNumber.DoesNotExist:
        pass
    if did.account_id is None:
        return None
    return Channel.objects.filter(wavix_account_id=did.account_id).first()


def _numbers(pool: Pool) -> list[int]:
    return [n for span in pool for n in range(span.start, span.end + 1)]


def _named(numbers, why: str) -> str:
    numbers = sorted(numbers)
    shown = ", ".join(f"+{n}" for n in numbers[:SHOWN])
    more = f" and {len(numbers) - SHOWN:,} more" if len(numbers) > SHOWN else ""
    return f"{shown}{more} {why}"


def _parsed(channel: Channel, text: str) -> Pool:
    if channel.kind == ChannelKind.WAVIX:
        if text.strip():
            raise ValidationError(
                {
                    "numbers": "A Wavix channel sends from its account's SMS-enabled numbers: "
                    "buy or sync them on the Wavix account instead."
                }
            )
        return Pool()
    if not text.strip():
        return Pool()
    pool = parse_pool(text, "numbers")
    if pool.size > MAX_ATTACHED:
        raise ValidationError(
            {"numbers": f"The list holds {pool.size:,} numbers; at most {MAX_ATTACHED:,}."}
        )
    return pool


def _problems(channel: Channel, wanted: set[int], current: set[int]) -> list[str]:
    problems = []
    on_wavix = Did.objects.filter(number__in=wanted, account__isnull=False)
    for account, numbers in _grouped(on_wavix.values_list("account__name", "number")):
        problems.append(
            _named(
                numbers,
                f"{'is' if len(numbers) == 1 else 'are'} held on the Wavix account "
                f"“{account}”: {'it sends' if len(numbers) == 1 else 'they send'} through "
                "that account's channel.",
            )
        )
    elsewhere = ChannelNumber.objects.filter(did__number__in=wanted).exclude(channel=channel)
    for name, numbers in _grouped(elsewhere.values_list("channel__name", "did__number")):
        problems.append(
            _named(
                numbers,
                f"{'is' if len(numbers) == 1 else 'are'} attached to the channel "
                f"“{name}” already: a number goes through one channel.",
            )
        )
    with scopes_disabled():
        senders = SenderId.objects.filter(number__in=current - wanted).select_related("tenant")
        for sender in senders:
            problems.append(
                f"+{sender.number} is a sender ID of {sender.tenant.name}: delete that sender ID "
                "before taking the number off the channel."
            )
    return problems


def _grouped(rows) -> list[tuple[str, list[int]]]:
    groups: dict[str, list[int]] = {}
    for key, number in rows:
        groups.setdefault(key, []).append(number)
    return sorted(groups.items())


@transaction.atomic
def channel_numbers_set(*, channel: Channel, text: str) -> tuple[int, int]:
    """Attaches exactly the numbers of `text` to `channel` (not a Wavix channel); (added,
    removed). All or nothing: a number on Wavix, on another channel, or a sender ID's number
    being taken off refuses the whole change and names each."""
    pool = _parsed(channel, text or "")
    wanted = set(_numbers(pool))
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    current = set(
        ChannelNumber.objects.filter(channel=channel).values_list("did__number", flat=True)
    )
    problems = _problems(channel, wanted, current)
    if problems:
        raise ValidationError({"numbers": problems})
    added, removed = wanted - current, current - wanted
    if removed:
        Did.objects.filter(number__in=removed, account__isnull=True).delete()  # and their links
    if added:
        # A row left without a channel (an earlier detach that kept it) is taken over.
        existing = dict(
            Did.objects.filter(number__in=added, account__isnull=True).values_list("number", "pk")
        )
        Did.objects.filter(pk__in=existing.values()).update(
            sms_enabled=True, status=Did.Status.ACTIVE
        )
        made = Did.objects.bulk_create(
            Did(
                number=n,
                country=phone.region_of(str(n)) or "",
                sms_enabled=True,
                status=Did.Status.ACTIVE,
            )
            for n in sorted(added - set(existing))
        )
        ids = [*existing.values(), *(d.pk for d in made)]
        ChannelNumber.objects.bulk_create(ChannelNumber(channel=channel, did_id=i) for i in ids)
    channel.numbers = pool.format()
    channel.save(update_fields=["numbers", "updated_at"])
    return len(added), len(removed)


def channel_numbers_release(*, channel: Channel) -> int:
    """Takes every number off a channel being deleted (their inventory rows go with them)."""
    ids = list(ChannelNumber.objects.filter(channel=channel).values_list("did_id", flat=True))
    Did.objects.filter(pk__in=ids, account__isnull=True).delete()
    return len(ids)
