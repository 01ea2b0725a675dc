"""Batches of canonical events from delivery systems: set-based statements, a handful per batch
whatever its size, in one transaction retried on a race."""

from __future__ import annotations

import logging
from typing import Any

from asyncpg.exceptions import DeadlockDetectedError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.ingest.carriers import carrier_finder, get_or_create_carriers
from data.ingest.changes import changes_of, stored_payload_json
from data.ingest.deliveries import insert_deliveries, lock_deliveries, new_state
from data.ingest.event_log import already_logged, delivery_log
from data.ingest.events import CanonicalEvent
from data.ingest.fold import CHANGEABLE, FOLDED, STATE_FIELDS, LogEntry, fold, needs_replay
from data.ingest.results import IngestResult, UnknownCarrier
from data.ingest.routes import resolve_routes
from data.ingest.sql import PLAN_BY_KEY, while_executing
from data.ingest.write import BatchDelivery, LoggedElsewhere, stored_payloads, write_batch
from data.state_machine import DEFAULT_MAX_CUSTOMER_REBOOKS

# The façade's name, which the JSON log lines have always carried.
log = logging.getLogger("data.ingest.apply")


class _ConcurrentDuplicate(Exception):
    """Another transaction logged one of our events first: retry the batch."""


class _UnexpectedDuplicate(Exception):
    """An event skipped by the watermark shortcut was in the log after all (logged on another
    delivery, or by a concurrent batch): redo the batch checking every event."""


async def ingest_events(
    sessions: async_sessionmaker[AsyncSession],
    events: list[CanonicalEvent],
    *,
    source: str,
    max_customer_rebooks: int = DEFAULT_MAX_CUSTOMER_REBOOKS,
    operator_pattern: str = r"DS\d{8}",
    operator_timezone: str = "America/New_York",
) -> IngestResult:
    """Log and apply a batch of canonical events in one transaction (retried on a race)."""
    for attempt in range(4):
        try:
            async with transaction(sessions) as session:
                return await apply_events(
                    session,
                    events,
                    source=source,
                    max_customer_rebooks=max_customer_rebooks,
                    operator_pattern=operator_pattern,
                    operator_timezone=operator_timezone,
                )
        except _ConcurrentDuplicate:
            log.info("ingest batch raced a concurrent one; retrying (attempt %d)", attempt + 1)
        except (DBAPIError, DeadlockDetectedError) as exc:
            # SQLAlchemy wraps the driver's errors; the statements sent to asyncpg directly
            # raise its own.
            if "deadlock" not in str(exc).lower() or attempt == 3:
                raise
            log.info("ingest batch deadlocked; retrying (attempt %d)", attempt + 1)
    raise RuntimeError("ingest batch kept racing concurrent batches; gave up after 4 tries")


async def apply_events(
    session: AsyncSession,
    events: list[CanonicalEvent],
    *,
    source: str,
    max_customer_rebooks: int = DEFAULT_MAX_CUSTOMER_REBOOKS,
    operator_pattern: str = r"DS\d{8}",
    operator_timezone: str = "America/New_York",
) -> IngestResult:
    """`ingest_events` inside the caller's transaction (the importer writes routes beside).

    On PostgreSQL the batch first runs in a savepoint looking up in the log only the events
    that can be there: those not newer than their delivery's events_watermark (a logged event
    never is). If the insert then meets one of the others in the log (an event id already used
    for another delivery, or a concurrent batch), the savepoint is rolled back and the batch
    runs again checking every event, exactly as before the shortcut."""
    kwargs = {
        "source": source,
        "max_customer_rebooks": max_customer_rebooks,
        "operator_pattern": operator_pattern,
        "operator_timezone": operator_timezone,
    }
    if events and session.bind.dialect.name == "postgresql":
        try:
            async with session.begin_nested():
                return await _apply_batch(session, events, check_all=False, **kwargs)
        except _UnexpectedDuplicate:
            log.info("ingest batch met an event logged elsewhere; redoing it with full checks")
    return await _apply_batch(session, events, check_all=True, **kwargs)


async def _apply_batch(
    session: AsyncSession,
    events: list[CanonicalEvent],
    *,
    source: str,
    check_all: bool,
    max_customer_rebooks: int,
    operator_pattern: str,
    operator_timezone: str,
) -> IngestResult:
    """One batch, a handful of statements whatever its size: lock the deliveries, drop the
    events already logged, resolve routes, fold (plain Python over dicts), then insert the new
    deliveries as folded, one UPDATE of the others, one INSERT of the events, one of the outbox
    events, and the route stops when routes changed."""
    result = IngestResult(received=len(events))
    if not events:
        return result
    postgres = session.bind.dialect.name == "postgresql"
    carrier_of = _carriers_of(events, operator_pattern)
    if postgres:
        # asyncpg prepares statements once per connection; a generic plan made while the log
        # was small (a sequential scan) would stick as it grows. Plan with the real values.
        # And by key, through the indexes: the batch's lookups, the locking SELECT and the
        # UPDATE join touch at most a few thousand rows by primary or unique key, but on a
        # table whose statistics lag its growth (a new deployment's first day, the bench) the
        # planner chose a sequential scan of all deliveries, in the SELECT and again as the
        # hash side of the UPDATE: a cost growing with the table, per batch.
        await session.execute(PLAN_BY_KEY)

    # 1. One event per id: later copies in the same batch are duplicates.
    unique: dict[str, CanonicalEvent] = {}
    for event in events:
        if event.event_id in unique:
            result.duplicates += 1
            result.duplicate_ids.append(event.event_id)
        else:
            unique[event.event_id] = event

    # 2. The deliveries, locked; those not in the store start from a new delivery's state
    # (events can arrive before 'created') and are inserted as folded, below.
    carrier_ids = await get_or_create_carriers(session, {carrier_of[e] for e in unique})
    key_of = {
        event_id: (carrier_ids[carrier_of[event_id]], event.tracking_number)
        for event_id, event in unique.items()
    }
    keys = sorted(set(key_of.values()))
    # Only the state fields the fold reads or the events set are read (a replay reads all).
    changes = {event_id: changes_of(event) for event_id, event in unique.items()}
    fields = {*FOLDED, "route_id", "service_date", "timezone"}
    for event_changes in changes.values():
        fields.update(name for name in event_changes if name in CHANGEABLE)
    # The stored payloads of the events without a route (their changes are final) are
    # serialized while the server runs the locking SELECT.
    stored, payloads = await while_executing(
        lock_deliveries(session, keys, fields),
        lambda: {
            event_id: stored_payload_json(event, changes[event_id])
            for event_id, event in unique.items()
            if event.route is None
        },
    )
    deliveries = {key: BatchDelivery(key, stored.get(key) or new_state(key)) for key in keys}

    # 3. Drop the events already logged (replays of a webhook, a re-import). Without check_all,
    # only those not newer than their delivery's watermark are looked up (see apply_events).
    await _drop_logged(session, unique, key_of, deliveries, source, check_all, result)
    if not unique:
        return result

    # 4. Routes and drivers named by the events, then each event's changes, then the fold.
    routes = await resolve_routes(
        session, unique.values(), carrier_ids, operator_pattern, operator_timezone
    )
    for event_id, event in unique.items():
        entry = LogEntry(
            source=source,
            source_event_id=event_id,
            type=str(event.type),
            occurred_at=event.occurred_at,
            reason_code=str(event.reason_code) if event.reason_code else None,
            changes=changes[event_id]
            if event.route is None
            else changes_of(event, route=routes[event.route.external_id]),
        )
        deliveries[key_of[event_id]].pairs.append((entry, event))
    active = [d for d in deliveries.values() if d.pairs]
    await _fold(session, active, max_customer_rebooks, result)

    # 5. The new deliveries, inserted as folded. One created a moment ago by a concurrent
    # batch is locked now (its transaction has ended) and folded again on its stored state.
    new = [d for d in active if d.state["id"] is None]
    if new:
        # The other stored payloads are serialized while the insert runs on the server.
        ids, _ = await while_executing(
            insert_deliveries(session, [_insert_values(d) for d in new]),
            lambda: stored_payloads(active, payloads),
        )
        raced = [d for d in new if d.key not in ids]
        for delivery in new:
            delivery.state["id"] = ids.get(delivery.key)
            delivery.new = delivery.key in ids
        result.deliveries_created = len(new) - len(raced)
        if raced:
            stored = await lock_deliveries(session, [d.key for d in raced])
            for delivery in raced:
                delivery.state = stored[delivery.key]
            ids_of_raced = [entry.source_event_id for d in raced for entry in d.entries]
            logged = await already_logged(session, source, ids_of_raced)
            for delivery in raced:
                delivery.pairs = [p for p in delivery.pairs if p[0].source_event_id not in logged]
                delivery.folded = None
            for event_id in logged:
                result.duplicates += 1
                result.duplicate_ids.append(event_id)
            await _fold(session, [d for d in raced if d.pairs], max_customer_rebooks, result)

    # 6. Write: deliveries, the log (the guard against a concurrent copy), outbox, stops.
    try:
        await write_batch(session, [d for d in active if d.pairs], result, payloads)
    except LoggedElsewhere:  # the transaction (or savepoint) rolls back, all of it
        raise _ConcurrentDuplicate() if check_all else _UnexpectedDuplicate() from None
    for rejection in result.rejected:
        log.info(
            "delivery event rejected",
            extra={
                "event_id": rejection.event_id,
                "tracking_number": rejection.tracking_number,
                "type": rejection.type,
                "reason": rejection.reason,
            },
        )
    return result


def _carriers_of(events: list[CanonicalEvent], operator_pattern: str) -> dict[str, str]:
    """The carrier of each event, worked out once (a regex per carrier format otherwise)."""
    carrier_of: dict[str, str | None] = {}
    carrier = carrier_finder(operator_pattern)
    for event in events:
        if event.event_id not in carrier_of:
            carrier_of[event.event_id] = carrier(event)
    unknown = [
        {"loc": e.event_id, "msg": f"carrier unknown for tracking number {e.tracking_number}"}
        for e in events
        if carrier_of[e.event_id] is None
    ]
    if unknown:
        raise UnknownCarrier(unknown)
    return carrier_of  # type: ignore[return-value]


async def _drop_logged(
    session: AsyncSession,
    unique: dict[str, CanonicalEvent],
    key_of: dict[str, tuple[int, str]],
    deliveries: dict[tuple[int, str], BatchDelivery],
    source: str,
    check_all: bool,
    result: IngestResult,
) -> None:
    """Remove from `unique` the events the log already has, counting them as duplicates. A
    delivery not in the store has none; without check_all, an event newer than its delivery's
    watermark is not looked up either."""
    candidates = []
    for event_id, event in unique.items():
        state = deliveries[key_of[event_id]].state
        if state["id"] is None and not check_all:
            continue
        watermark = state["events_watermark"]
        if check_all or (watermark is not None and event.occurred_at <= watermark):
            candidates.append(event_id)
    seen = await already_logged(session, source, candidates) if candidates else set()
    for event_id in seen:
        del unique[event_id]
        result.duplicates += 1
        result.duplicate_ids.append(event_id)


async def _fold(
    session: AsyncSession,
    deliveries: list[BatchDelivery],
    max_customer_rebooks: int,
    result: IngestResult,
) -> None:
    """Fold each delivery's new events: on top of its state, or by replaying its log when an
    event is late (not newer than everything the delivery has logged)."""
    replay_ids = []
    for delivery in deliveries:
        delivery.replay = needs_replay(delivery.state, delivery.entries)
        if delivery.replay:
            replay_ids.append(delivery.state["id"])
    logs = {}
    if replay_ids:
        logs = await delivery_log(session, replay_ids)
        # A replay folds every field from the start: it compares (and may write) them all.
        replays = [d for d in deliveries if d.replay]
        full = await lock_deliveries(session, [d.key for d in replays])
        for delivery in replays:
            delivery.state = full[delivery.key]
    result.deliveries_replayed += len(replay_ids)
    for delivery in deliveries:
        delivery.folded = fold(
            delivery.state,
            delivery.entries,
            log=logs.get(delivery.state["id"], []) if delivery.replay else None,
            max_customer_rebooks=max_customer_rebooks,
        )


def _insert_values(delivery: BatchDelivery) -> dict[str, Any]:
    carrier_id, tracking_number = delivery.key
    return {
        "carrier_id": carrier_id,
        "tracking_number": tracking_number,
        **{name: delivery.folded.state[name] for name in STATE_FIELDS},
    }
