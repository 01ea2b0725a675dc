"""Batches of canonical events from delivery systems: set-based statements, a handful per batch
whatever its size, in one transaction retried on a race."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from asyncpg.exceptions import DeadlockDetectedError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.ingest.carriers import carrier_finder, get_or_create_carriers
from data.ingest.changes import changes_of, stored_payload_json
from data.ingest.deliveries import create_missing_deliveries, lock_deliveries, update_deliveries
from data.ingest.event_log import already_logged, delivery_log, update_old_events
from data.ingest.events import CanonicalEvent
from data.ingest.fold import (
    CHANGEABLE,
    FOLDED,
    STATE_FIELDS,
    STOP_SEQUENCE,
    LogEntry,
    fold,
    needs_replay,
)
from data.ingest.outbox_payloads import outbox_payloads
from data.ingest.results import IngestResult, Rejection, UnknownCarrier
from data.ingest.routes import delete_stops, insert_stops, resolve_routes, stop_sequence
from data.ingest.sql import (
    EVENT_COLUMNS,
    EVENTS,
    INSERT_EVENTS_PG,
    INSERT_OUTBOX_PG,
    OUTBOX,
    OUTBOX_COLUMNS,
    PARAMS_PER_STATEMENT,
    PLAN_BY_KEY,
    PLAN_DEFAULT,
    ROWS_PER_STATEMENT_PG,
    as_columns,
    chunked,
    dialect_insert,
    driver_connection,
    dumps,
)
from data.state_machine import DEFAULT_MAX_CUSTOMER_REBOOKS
from data.types import utcnow

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
    """One batch, a handful of statements whatever its size: select the deliveries (locked),
    create the missing ones, drop the events already logged, resolve routes, then one UPDATE
    of the deliveries, one INSERT of the events, one INSERT of the outbox events (and the
    route stops when routes changed). The fold in between is plain Python over dicts."""
    result = IngestResult(received=len(events))
    if not events:
        return result
    postgres = session.bind.dialect.name == "postgresql"
    # The carrier of each event, worked out once (a regex per carrier format otherwise).
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

    # 2. Carriers, then the deliveries (created when an event arrives before 'created').
    carrier_ids = await get_or_create_carriers(session, {carrier_of[e] for e in unique})
    key_of = {
        event_id: (carrier_ids[carrier_of[event_id]], event.tracking_number)
        for event_id, event in unique.items()
    }
    keys = sorted(set(key_of.values()))
    rows = await lock_deliveries(session, keys)
    missing = [key for key in keys if key not in rows]
    if missing:  # events can arrive before 'created': the delivery starts with them
        created = await create_missing_deliveries(session, missing)
        result.deliveries_created = len(created)
        rows.update(created)
        raced = [key for key in missing if key not in created]
        if raced:  # created by a concurrent batch a moment ago
            rows.update(await lock_deliveries(session, raced))

    # 3. Drop the events already logged (replays of a webhook, a re-import). Without check_all,
    # only those not newer than their delivery's watermark are looked up (see apply_events).
    if check_all:
        candidates = list(unique)
    else:
        candidates = []
        for event_id, event in unique.items():
            watermark = rows[key_of[event_id]]["events_watermark"]
            if watermark is not None and event.occurred_at <= watermark:
                candidates.append(event_id)
    seen = await already_logged(session, source, candidates) if candidates else set()
    for event_id in seen:
        del unique[event_id]
        result.duplicates += 1
        result.duplicate_ids.append(event_id)
    if not unique:
        return result

    # 4. Routes and drivers named by the events, then each event's changes.
    routes = await resolve_routes(
        session, unique.values(), carrier_ids, operator_pattern, operator_timezone
    )
    new_by_delivery: dict[int, list[tuple[LogEntry, CanonicalEvent]]] = defaultdict(list)
    for event_id, event in unique.items():
        route = routes.get(event.route.external_id) if event.route is not None else None
        entry = LogEntry(
            source=source,
            source_event_id=event_id,
            type=str(event.type),
            occurred_at=event.occurred_at,
            reason_code=str(event.reason_code) if event.reason_code else None,
            changes=changes_of(event, route=route),
        )
        new_by_delivery[rows[key_of[event_id]]["id"]].append((entry, event))

    # 5. Fold: on top of the current state, or by replaying the log when an event is late.
    states = {row["id"]: row for row in rows.values()}
    replay_ids = [
        delivery_id
        for delivery_id, pairs in new_by_delivery.items()
        if needs_replay(states[delivery_id], [entry for entry, _ in pairs])
    ]
    logs = await delivery_log(session, replay_ids) if replay_ids else {}
    result.deliveries_replayed = len(replay_ids)

    event_rows: list[dict[str, Any]] = []
    delivery_updates: list[dict[str, Any]] = []
    changed_columns: set[str] = set()
    outbox_rows: list[dict[str, Any]] = []
    changed_old: list[LogEntry] = []
    stops: dict[int, tuple[int | None, int | None]] = {}
    now = utcnow()
    replaying = set(replay_ids)
    for delivery_id, pairs in new_by_delivery.items():
        state = states[delivery_id]
        entries = [entry for entry, _ in pairs]
        replay = delivery_id in replaying
        folded = fold(
            state,
            entries,
            log=logs.get(delivery_id, []) if replay else None,
            max_customer_rebooks=max_customer_rebooks,
        )
        for entry, event in pairs:
            event_rows.append(
                {
                    "delivery_id": delivery_id,
                    "source": entry.source,
                    "source_event_id": entry.source_event_id,
                    "type": entry.type,
                    "occurred_at": entry.occurred_at,
                    "received_at": now,
                    "reason_code": entry.reason_code,
                    "applied": bool(entry.applied),
                    "from_status": entry.from_status,
                    "to_status": entry.to_status,
                    "rejected_reason": entry.rejected_reason,
                    "payload": stored_payload_json(event, entry.changes),
                }
            )
            if entry.applied:
                result.applied += 1
            else:
                result.rejected.append(
                    Rejection(
                        entry.source_event_id,
                        state["tracking_number"],
                        entry.type,
                        entry.rejected_reason or "rejected",
                    )
                )
        changed_old.extend(folded.changed_old)
        new_state = folded.state
        # Without a replay only the folded fields and those the new events set can differ.
        candidates = STATE_FIELDS if replay else _candidates(entries)
        changed = [name for name in candidates if new_state[name] != state[name]]
        if changed:
            changed_columns.update(changed)
            delivery_updates.append(new_state | {"id": delivery_id})
        touched_route = any(
            "route_id" in e.changes or STOP_SEQUENCE in e.changes for e in entries
        ) or (replay and new_state["route_id"] != state["route_id"])
        if touched_route:
            stops[delivery_id] = (new_state["route_id"], stop_sequence(folded))
        key = str(delivery_id)
        for payload in outbox_payloads(
            folded,
            delivery_id=delivery_id,
            tracking_number=state["tracking_number"],
            previous_status=state["status"],
            new_keys={e.key for e in entries},
            replayed=replay,
        ):
            topic = payload.pop("_topic")
            outbox_rows.append(
                {
                    "topic": topic,
                    "key": key,
                    "payload": dumps(payload),
                    "created_at": now,
                    "attempts": 0,
                }
            )

    # 6. Write: deliveries, the log (the guard against a concurrent copy), outbox, stops.
    # The UPDATE ... FROM unnest join and the stops' DELETE still plan with the real values;
    # the inserts then go back to PostgreSQL's default plan caching, so the foreign-key checks
    # their triggers run for every row reuse a cached plan instead of being planned each time.
    if delivery_updates:
        await update_deliveries(session, delivery_updates, sorted(changed_columns), now)
    if stops:
        await delete_stops(session, list(stops))
    if postgres:
        await session.execute(PLAN_DEFAULT)
    page = ROWS_PER_STATEMENT_PG if postgres else PARAMS_PER_STATEMENT
    inserted = 0
    for chunk in chunked(event_rows, page):
        if postgres:
            driver = await driver_connection(session)
            status = await driver.execute(INSERT_EVENTS_PG, *as_columns(chunk, EVENT_COLUMNS))
            inserted += int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"
        else:
            returned = await session.execute(
                dialect_insert(session, EVENTS)
                .on_conflict_do_nothing(index_elements=["source", "source_event_id"])
                .returning(EVENTS.c.id),
                chunk,
            )
            inserted += len(returned.all())
    if inserted != len(event_rows):  # the transaction (or savepoint) rolls back, all of it
        raise _ConcurrentDuplicate() if check_all else _UnexpectedDuplicate()
    await update_old_events(session, changed_old)
    for chunk in chunked(outbox_rows, page):
        if postgres:
            driver = await driver_connection(session)
            await driver.execute(INSERT_OUTBOX_PG, *as_columns(chunk, OUTBOX_COLUMNS), now)
        else:
            await session.execute(sa.insert(OUTBOX), chunk)
    if stops:
        await insert_stops(session, stops)
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


def _candidates(entries: list[LogEntry]) -> set[str]:
    """The delivery fields `fold` can change applying `entries` on top of a state (no replay):
    the folded ones, those the events set, and service_date when they set a window."""
    names = set(FOLDED)
    for entry in entries:
        names.update(name for name in entry.changes if name in CHANGEABLE)
        if "window_start" in entry.changes:
            names.add("service_date")
    return names
