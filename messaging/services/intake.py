"""The inbound intake: what the webhook stores, and the drain that processes it.

The webhook reads its channel (`intake_channel`) and stores each event as it arrived
(`inbound_store`: the events a web process receives at the same moment share one INSERT, its
group commit), then wakes the channel's drain: one task on its way per channel at most,
however many messages arrive (`inbound_kick`, a kick marker). The drain
(`inbound_drain`) takes the channel's received events in batches, claimed with a lease so that
drains on several workers share a backlog and a lost worker's batch is taken again after it,
and processes each (`inbound.inbound_process`). The beat processes an event nobody took for a
few minutes (`inbound_process_pending`: a lost kick).

A web process that saw a drain on its way (the marker set) less than `KICK_MEMO` ago does not
ask again: the drain, once it finds nothing, looks once more `DRAIN_GRACE` later (longer than
the memo), so a message stored in that window is still taken by it.

A web process keeps the channels it looked up for MESSAGING_INTAKE_CHANNEL_SECONDS (2), so a
busy webhook only writes its event: a change to a channel (its allowlist, a new
inbound token, its deletion) applies at once in the process that made it and within those
seconds in the others. A message posted to a channel deleted in that window is answered 404,
as after it (the insert's foreign key refuses it).
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Channel, WebhookEvent
from .group_commit import GroupCommit
from .inbound import inbound_process
from .markers import mark, runs_inline, unmark

STALE_AFTER = timedelta(minutes=5)  # an event nobody took this long after: its kick was lost
PENDING_BATCH = 500
DRAIN_BATCH = 50  # events a drain claims at a time
DRAIN_LEASE = timedelta(minutes=2)  # a claimed batch is taken again after this (a lost worker)
KICK_TTL = 30  # seconds a kick waiting in the broker holds off further kicks
KICK_MEMO = 0.2  # seconds a web process trusts a drain it saw on its way
DRAIN_GRACE = 0.5  # a drain that found nothing looks once more after this (> KICK_MEMO)

_seen: dict[int, float] = {}  # channel id -> when this process last saw its drain on its way


# --- the webhook's hot path --------------------------------------------------------------------


@cache
def _lookup_sql(vendor: str) -> tuple[str, tuple[str, ...]]:
    names = ("id", "kind", "inbound_allowlist")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Channel._meta.get_field(n).column) for n in names)
    token = quote(Channel._meta.get_field("inbound_token").column)
    # Names from the model's meta only; the token goes as a parameter.
    sql = f"SELECT {columns} FROM {quote(Channel._meta.db_table)} WHERE {token} = %s"  # noqa: S608
    return sql, names


_channels: dict[str, tuple[float, Channel]] = {}  # token -> (looked up at, the channel)
MAX_KEPT_CHANNELS = 1000


def intake_channel(token: str) -> Channel | None:
    """The channel whose inbound webhook `token` names, with only what the intake reads (its
    kind and allowlist; the rest, the credentials first, stays in the database): kept by this
    process for MESSAGING_INTAKE_CHANNEL_SECONDS, else one indexed statement without the ORM's
    compiling (it runs for every message that arrives). An unknown token is never kept."""
    keep = float(settings.MESSAGING_INTAKE_CHANNEL_SECONDS)
    now = time.monotonic()
    kept = _channels.get(token)
    if kept is not None and now - kept[0] < keep:
        return kept[1]
    sql, names = _lookup_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    if row is None:
        _channels.pop(token, None)
        return None
    channel = Channel.from_db(connection.alias, names, row)
    if keep > 0:
        if len(_channels) >= MAX_KEPT_CHANNELS:
            _channels.clear()
        _channels[token] = (now, channel)
    return channel


def intake_forget(**kwargs) -> None:
    """A channel was saved or deleted: this process looks its channels up again."""
    _channels.clear()


# What the intake writes: the database fills in the rest (the arrival time, the state
# received and a blank note: the model's db_default). psycopg converts a statement's
# placeholders once and keeps the result for at most 50 values: 5 a row keep batches of up
# to 10 events (a gunicorn worker's 8 threads) in that cache.
_STORED = ("channel", "kind", "remote_addr", "body", "dedupe_key")


@cache
def _insert_sql(vendor: str, rows: int) -> str:
    fields = [WebhookEvent._meta.get_field(name) for name in _STORED]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * rows)
    table, key = quote(WebhookEvent._meta.db_table), quote("dedupe_key")
    channel = quote(WebhookEvent._meta.get_field("channel").column)
    # Names from the model's meta only; every value goes as a parameter.
    return (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({channel}, kind, {key}) WHERE {key} IS NOT NULL DO NOTHING "
        f"RETURNING id, {channel}, {key}"
    )


_CHANNEL, _KEY = _STORED.index("channel"), _STORED.index("dedupe_key")
GROUP_MAX = 100  # events one statement stores at most


def inbound_store(
    *, channel_id: int, remote_addr: str | None, body: str, dedupe_key: str
) -> int | None:
    """Stores an inbound event as it arrived and wakes the channel's drain when it commits;
    the event's id, or None when the channel has it already (the provider's retry of a
    message it delivered). Channel.DoesNotExist when the channel was just deleted.

    Outside a transaction (the webhook's case) the event goes into this process's group
    commit (group_commit.py): the requests storing at the same moment share one statement.
    Inside one (the caller's), it is written in the caller's transaction, alone."""
    # Each value as the database stores it: an id, text, an address's text or None.
    params = [channel_id, WebhookEvent.Kind.INBOUND.value, remote_addr, body, dedupe_key]
    alone = connection.in_atomic_block or not dedupe_key
    event_id = (_group.write_alone if alone else _group.submit)(params)
    if event_id is not None:
        # In autocommit (the webhook's case) Django runs it at once: committed already.
        transaction.on_commit(lambda: _wake(channel_id))
    return event_id


def _store(batch: list[list]) -> list:
    """Writes the events (each its stored columns' values) in one INSERT ... ON CONFLICT DO
    NOTHING (the unique dedupe key, `webhookevent_dedupe_unique`, settles a retry without an
    error or a savepoint): per event its id, None for one the channel had already (or that an
    earlier event of the batch is), Channel.DoesNotExist for one whose channel was deleted
    (any other refusal: its IntegrityError).
    One event refused by the database refuses the statement: each is then written alone, so
    it fails only its own request.

    Not the ORM's `bulk_create`: it costs several times as much, and this runs for every
    message that arrives."""
    try:
        rows = _insert(
            _insert_sql(connection.vendor, len(batch)),
            [value for params in batch for value in params],
            retry=all(params[_KEY] for params in batch),
        )
    except IntegrityError as exc:
        if len(batch) > 1:
            return [outcome for params in batch for outcome in _store([params])]
        channel_id = batch[0][_CHANNEL]
        if Channel.objects.filter(pk=channel_id).exists():
            return [exc]
        return [Channel.DoesNotExist(f"channel {channel_id} was deleted")]
    stored = {(channel, key): event_id for event_id, channel, key in rows}
    return [stored.pop((params[_CHANNEL], params[_KEY]), None) for params in batch]


_group = GroupCommit(_store, max_batch=GROUP_MAX)


def _insert(sql: str, params: list, *, retry: bool) -> list:
    """The insert's rows, on this thread's connection without first asking the server whether
    the connection still works (Django's health check: a round trip on every request, as much
    as the insert). A connection found dead (the server restarted) is opened again and the
    insert tried once more: safe, as an event with a dedupe key is stored once however often
    it is written. Inside a transaction the health check runs as everywhere."""
    optimistic = retry and not connection.in_atomic_block and connection.connection is not None
    if optimistic:
        connection.health_check_done = True
    try:
        return _execute(sql, params)
    except (OperationalError, InterfaceError):
        if not optimistic:
            raise
    connection.close()
    return _execute(sql, params)


def _execute(sql: str, params: list) -> list:
    """The rows of `sql`. On PostgreSQL with its values bound by the server (psycopg's own
    cursor, not the client-side binding Django's uses: the body is not quoted into the
    statement's text), raising Django's database errors as anywhere else. Never a named
    prepared statement: a connection pooler in front of the database may hand the next
    request another server connection."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.close_if_health_check_failed()  # as Django's cursor does (unless done above)
    connection.ensure_connection()
    with connection.wrap_database_errors:
        import psycopg

        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=False)
            return cursor.fetchall()


def _wake(channel_id: int) -> None:
    """The web's kick, skipped while this process saw the channel's drain on its way less
    than KICK_MEMO ago (the drain's grace covers that window; see the module's docstring)."""
    now = time.monotonic()
    if now - _seen.get(channel_id, float("-inf")) < KICK_MEMO and not runs_inline():
        return
    _seen[channel_id] = now  # before the marker is read: the drain that clears it starts later
    inbound_kick(channel_id=channel_id)


# --- the drain ---------------------------------------------------------------------------------


def _marker(channel_id: int) -> str:
    return f"messaging:inbound:kick:{channel_id}"


def inbound_kick(*, channel_id: int) -> bool:
    """Wakes the channel's drain: sends a drain task unless one is already on its way. True
    when one was sent."""
    if not mark(_marker(channel_id), KICK_TTL):
        return False
    # Looked up at call time: tasks import services, never back.
    from ..tasks import drain_inbound

    drain_inbound.delay(channel_id)
    return True


def _unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _claim(*, channel_id: int | None = None, older_than=None, limit: int | None = None):
    """In a short transaction: up to `limit` received events nobody holds (of the channel;
    arrived `older_than` ago), oldest first, held for the lease; their ids. Rows another
    drain is claiming are skipped."""
    now = timezone.now()
    events = WebhookEvent.objects.filter(
        _unclaimed(now), kind=WebhookEvent.Kind.INBOUND, state=WebhookEvent.State.RECEIVED
    )
    if channel_id is not None:
        events = events.filter(channel_id=channel_id)
    if older_than is not None:
        events = events.filter(received_at__lt=now - older_than)
    with transaction.atomic():
        ids = list(
            events.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: limit or DRAIN_BATCH]
        )
        if ids:
            WebhookEvent.objects.filter(pk__in=ids).update(claimed_until=now + DRAIN_LEASE)
    return ids


def inbound_drain(*, channel_id: int) -> int:
    """Processes the channel's received events until none is left, DRAIN_GRACE after the
    first time it found none; how many. A full batch kicks another drain, so a second worker
    shares a backlog."""
    unmark(_marker(channel_id))
    done, looked_again = 0, runs_inline()
    while True:
        ids = _claim(channel_id=channel_id)
        if not ids:
            if looked_again:
                return done
            time.sleep(DRAIN_GRACE)
            looked_again = True
            continue
        if len(ids) == DRAIN_BATCH:
            inbound_kick(channel_id=channel_id)
        for event_id in ids:
            inbound_process(event_id=event_id)
        done += len(ids)
        looked_again = runs_inline()


def inbound_process_pending(*, older_than: timedelta = STALE_AFTER) -> int:
    """Processes inbound events nobody took `older_than` after they arrived (their kick was
    lost, or the worker holding them died and their lease passed); how many."""
    ids = _claim(older_than=older_than, limit=PENDING_BATCH)
    for event_id in ids:
        inbound_process(event_id=event_id)
    return len(ids)
