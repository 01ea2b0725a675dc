"""Batches of canonical events from delivery systems: set-based statements, a handful per batch
whatever its size, in one transaction retried on a race."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from asyncpg.exceptions import DeadlockDetectedError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.ingest.carriers import carrier_finder, get_or_create_carriers
from data.ingest.changes import changes_of, stored_payload_json
from data.ingest.deliveries import (
    insert_deliveries,
    lock_deliveries,
    new_state,
    update_deliveries,
)
from data.ingest.event_log import already_logged, delivery_log, insert_events, update_old_events
from data.ingest.events import CanonicalEvent
from data.ingest.fold import (
    CHANGEABLE,
    FOLDED,
    STATE_FIELDS,
    STOP_SEQUENCE,
    FoldResult,
    LogEntry,
    fold,
    needs_replay,
)
from data.ingest.outbox_payloads import insert_outbox, outbox_payloads
from data.ingest.results import IngestResult, Rejection, UnknownCarrier
from data.ingest.routes import delete_stops, insert_stops, resolve_routes, stop_sequence
from data.ingest.sql import PLAN_BY_KEY, PLAN_DEFAULT, driver_connection
from data.state_machine import DEFAULT_MAX_CUSTOMER_REBOOKS
from data.types import utcnow

T = TypeVar("T")
U = TypeVar("U")

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


@dataclass(slots=True)
class _Delivery:
    """One delivery of the batch: its state before, its new events, and their fold."""

    key: tuple[int, str]  # (carrier id, tracking number)
    state: dict[str, Any]  # as stored (id None: the batch creates it)
    pairs: list[tuple[LogEntry, CanonicalEvent]] = field(default_factory=list)
    folded: FoldResult | None = None
    replay: bool = False
    new: bool = False  # inserted by this batch

    @property
    def entries(self) -> list[LogEntry]:
        return [entry for entry, _ in self.pairs]


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
    stored, payloads = await _while(
        lock_deliveries(session, keys, fields),
        lambda: {
            event_id: stored_payload_json(event, changes[event_id])
            for event_id, event in unique.items()
            if event.route is None
        },
    )
    deliveries = {key: _Delivery(key, stored.get(key) or new_state(key)) for key in keys}

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
        ids, _ = await _while(
            insert_deliveries(session, [_insert_values(d) for d in new]),
            lambda: _stored_payloads(active, payloads),
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
    await _write(session, [d for d in active if d.pairs], result, payloads, check_all=check_all)
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
    deliveries: dict[tuple[int, str], _Delivery],
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
    deliveries: list[_Delivery],
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


def _insert_values(delivery: _Delivery) -> dict[str, Any]:
    carrier_id, tracking_number = delivery.key
    return {
        "carrier_id": carrier_id,
        "tracking_number": tracking_number,
        **{name: delivery.folded.state[name] for name in STATE_FIELDS},
    }


async def _write(
    session: AsyncSession,
    deliveries: list[_Delivery],
    result: IngestResult,
    payloads: dict[str, str],
    *,
    check_all: bool,
) -> None:
    """The folded batch into the store: the deliveries' changed columns, the event rows, the
    outbox events, the route stops. The events' insert count guards against a concurrent copy.

    The Python work is done while the server runs the statement before it (one connection,
    one statement at a time, but no need to wait idle): the event rows while the deliveries
    UPDATE runs, the outbox events while the events INSERT runs."""
    postgres = session.bind.dialect.name == "postgresql"
    now = utcnow()
    delivery_updates, changed_columns, stops = _delivery_changes(deliveries)

    def event_rows() -> list[dict[str, Any]]:
        texts = _stored_payloads(deliveries, payloads)
        rows = []
        for delivery in deliveries:
            delivery_id = delivery.state["id"]
            for entry, _ in delivery.pairs:
                rows.append(
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
                        "payload": texts[entry.source_event_id],
                    }
                )
                if entry.applied:
                    result.applied += 1
                else:
                    result.rejected.append(
                        Rejection(
                            entry.source_event_id,
                            delivery.state["tracking_number"],
                            entry.type,
                            entry.rejected_reason or "rejected",
                        )
                    )
        return rows

    # The UPDATE ... FROM join and the stops' DELETE still plan with the real values; the
    # inserts then go back to PostgreSQL's default plan caching, so the foreign-key checks
    # their triggers run for every row reuse a cached plan instead of being planned each time.
    if delivery_updates:
        _, rows = await _while(
            update_deliveries(session, delivery_updates, sorted(changed_columns), now),
            event_rows,
        )
    else:
        rows = event_rows()
    if stops:
        await delete_stops(session, list(stops))
    if postgres:
        await (await driver_connection(session)).execute(PLAN_DEFAULT)
    inserted, outbox_rows = await _while(
        insert_events(session, rows), lambda: _outbox_rows(deliveries)
    )
    if inserted != len(rows):  # the transaction (or savepoint) rolls back, all of it
        raise _ConcurrentDuplicate() if check_all else _UnexpectedDuplicate()
    await update_old_events(session, [e for d in deliveries for e in d.folded.changed_old])
    await insert_outbox(session, outbox_rows, now)
    if stops:
        await insert_stops(session, stops)


async def _while(statement: Awaitable[T], work: Callable[[], U]) -> tuple[T, U]:
    """Run `work` (Python only, no I/O) while the database executes `statement`: the statement
    is sent first, then `work` runs, then its result is awaited."""
    task = asyncio.ensure_future(statement)
    await asyncio.sleep(0)  # the task's first step sends the statement
    try:
        done = work()
    except BaseException:
        with contextlib.suppress(BaseException):
            await task  # never leave a statement running on the connection
        raise
    return await task, done


def _stored_payloads(deliveries: list[_Delivery], payloads: dict[str, str]) -> dict[str, str]:
    """`payloads` (event id -> stored payload as JSON text) with those missing added."""
    for delivery in deliveries:
        for entry, event in delivery.pairs:
            if entry.source_event_id not in payloads:
                payloads[entry.source_event_id] = stored_payload_json(event, entry.changes)
    return payloads


def _delivery_changes(
    deliveries: list[_Delivery],
) -> tuple[list[dict[str, Any]], set[str], dict[int, tuple[int | None, int | None]]]:
    """The folded deliveries to write back (those not new, only if a field changed), the
    columns that changed, and the deliveries whose route stop moved."""
    updates: list[dict[str, Any]] = []
    columns: set[str] = set()
    stops: dict[int, tuple[int | None, int | None]] = {}
    for delivery in deliveries:
        state, new_state, replay = delivery.state, delivery.folded.state, delivery.replay
        entries = delivery.entries
        if not delivery.new:
            # Without a replay only the folded fields and those the new events set can differ.
            candidates = STATE_FIELDS if replay else _candidates(entries)
            changed = [name for name in candidates if new_state[name] != state[name]]
            if changed:
                columns.update(changed)
                updates.append(new_state | {"id": state["id"]})
        touched_route = any(
            "route_id" in e.changes or STOP_SEQUENCE in e.changes for e in entries
        ) or (replay and new_state["route_id"] != state["route_id"])
        if touched_route:
            stops[state["id"]] = (new_state["route_id"], stop_sequence(delivery.folded))
    return updates, columns, stops


def _outbox_rows(deliveries: list[_Delivery]) -> list[dict[str, Any]]:
    rows = []
    for delivery in deliveries:
        state = delivery.state
        key = str(state["id"])
        for payload in outbox_payloads(
            delivery.folded,
            delivery_id=state["id"],
            tracking_number=state["tracking_number"],
            previous_status=state["status"],
            new_keys={e.key for e in delivery.entries} if delivery.replay else None,
            replayed=delivery.replay,
        ):
            topic = payload.pop("_topic")
            rows.append({"topic": topic, "key": key, "payload": payload})
    return rows


def _candidates(entries: list[LogEntry]) -> set[str]:
    """The delivery fields `fold` can change applying `entries` on top of a state (no replay):
    the folded ones, those the events set, and service_date when they set a window."""
    names = set(FOLDED)
    for entry in entries:
        names.update(name for name in entry.changes if name in CHANGEABLE)
        if "window_start" in entry.changes:
            names.add("service_date")
    return names
