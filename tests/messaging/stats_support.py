"""A mixed set of messages for the statistics' tests: two channels, both tenants and none,
every status, both directions, over several days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from messaging.models import Message

from .factories import channel, message

OUTBOUND_STATUSES = [
    "queued",
    "sending",
    "accepted",
    "sent",
    "delivered",
    "undelivered",
    "expired",
    "rejected",
    "dlr_expired",
    "failed",
]


def local_noon(days_ago: int):
    """Noon of a local day `days_ago` days back: never near a day's edge."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))


def mixed_messages(world) -> dict:
    main, backup = channel("Main"), channel("Backup")
    made = []
    for days_ago in (0, 1, 5, 40):
        for tenant in (world.a, world.b, None):
            for on in (main, backup):
                for i, status in enumerate(OUTBOUND_STATUSES):
                    # Failed and expired both before and after the provider took them.
                    taken = status not in ("queued", "sending") and (
                        status not in ("failed", "expired") or i % 2 == days_ago % 2
                    )
                    made.append(
                        message(
                            tenant,
                            on=on,
                            status=status,
                            at=local_noon(days_ago) + timedelta(minutes=i),
                            segments=1 + i % 3,
                            provider_segments=(2 + i % 2) if taken and i % 2 else None,
                            charge=Decimal("0.00450") if taken else None,
                            carrier_fees=Decimal("0.00100") if taken and i % 3 == 0 else None,
                            accepted_at=local_noon(days_ago) if taken else None,
                        )
                    )
                for k in range(2 + days_ago % 3):
                    made.append(
                        message(
                            tenant,
                            on=on,
                            direction="inbound",
                            status="received",
                            at=local_noon(days_ago) + timedelta(minutes=30 + k),
                            segments=1 + k,
                            charge=Decimal("0.00200"),
                        )
                    )
    return {"main": main, "backup": backup, "messages": made}


def expected_counts(messages: list[Message]) -> dict:
    """The roll-up computed the slow way, in Python, from the docstring's definitions."""
    taken = {"accepted", "sent", "delivered", "undelivered", "rejected", "dlr_expired"}
    counts: dict = {}
    for m in messages:
        key = (timezone.localdate(m.created_at), m.channel_id, m.tenant_id)
        row = counts.setdefault(
            key,
            dict.fromkeys(("sent", "sent_failed", "delivered", "failed", "received", "segments"), 0)
            | {"charge": Decimal(0)},
        )
        row["charge"] += (m.charge or 0) + (m.carrier_fees or 0)
        billed = False
        if m.direction == "inbound":
            row["received"] += 1
            billed = True
        else:
            ended = m.status in ("failed", "expired")
            sent = m.status in taken or (ended and m.accepted_at is not None)
            row["sent"] += sent
            row["sent_failed"] += ended and m.accepted_at is None
            row["delivered"] += m.status == "delivered"
            row["failed"] += m.status in ("undelivered", "rejected") or (
                ended and m.accepted_at is not None
            )
            billed = sent
        if billed:
            row["segments"] += m.provider_segments or m.segments
    return counts
