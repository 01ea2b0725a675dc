"""Recording delivery events: the log, the state machine and the outbox, in one transaction.

Two ways in:
- `record_event` for one event on a delivery the caller already holds, inside the caller's
  transaction (the SMS assistant's rebook / refuse / hold).
- `ingest_events` for batches from delivery systems, the importer and the benchmark: set-based
  statements, a handful per batch whatever its size.

Both fold events through data.state_machine (see data.ingest.fold); both are idempotent on
(source, source_event_id); an event older than the delivery's newest logged event replays that
delivery's log, so the end state does not depend on arrival order.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import sqlalchemy as sa
from asyncpg.exceptions import DeadlockDetectedError
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.ingest.events import CanonicalEvent, InvalidEvents
from data.ingest.fold import (
    CHANGEABLE,
    FOLDED,
    STATE_FIELDS,
    STOP_SEQUENCE,
    FoldResult,
    LogEntry,
    fold,
    from_json,
    needs_replay,
    to_json,
)
from data.models import (
    Carrier,
    Delivery,
    DeliveryEvent,
    Driver,
    OutboxEvent,
    Route,
    RouteStop,
)
from data.outbox import add_event
from data.reason_codes import ReasonCode
from data.state_machine import DEFAULT_MAX_CUSTOMER_REBOOKS, EventType
from data.tracking import carrier_formats, normalize_tracking_number
from data.types import DeliveryStatus, utcnow

log = logging.getLogger(__name__)

TOPIC_STATUS_CHANGED = "delivery.status_changed"
TOPIC_UPDATED = "delivery.updated"
TOPIC_REJECTED = "delivery.transition_rejected"

CARRIER_NAMES = {
    "operator": "Doorstep Fleet",
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "amazon": "Amazon Logistics",
    "dhl": "DHL",
}

_PARAMS_PER_STATEMENT = 900  # rows per IN list / VALUES page on SQLite, under its limits
# On PostgreSQL an IN list is one array parameter (= ANY) and insertmanyvalues pages its own
# VALUES (1,000 rows), so a batch from the web (<= 1,000 events) is one statement per table.
_ROWS_PER_STATEMENT_PG = 5_000


class _SerializedJSON(sa.types.TypeDecorator):
    """A JSON column written from text serialized once by us (orjson), not again by the driver."""

    impl = sa.JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:  # noqa: ARG002
        return None


def _with_serialized_json(table: sa.Table) -> sa.Table:
    """The table's columns, for Core inserts whose JSON values arrive as JSON text."""
    return sa.Table(
        table.name,
        sa.MetaData(),
        *[
            sa.Column(
                column.name,
                _SerializedJSON() if isinstance(column.type, sa.JSON) else column.type,
                primary_key=column.primary_key,
            )
            for column in table.columns
        ],
    )


_EVENTS = _with_serialized_json(DeliveryEvent.__table__)
_OUTBOX = _with_serialized_json(OutboxEvent.__table__)
_DELIVERIES = Delivery.__table__
_PG = postgresql.dialect()
# The deliveries columns' SQL types on PostgreSQL, for the arrays of the one-statement UPDATE.
_PG_TYPES = {column.name: column.type.compile(dialect=_PG) for column in _DELIVERIES.columns}
# Fields of a canonical event that the event row keeps as columns: not repeated in its payload.
_EVENT_COLUMN_FIELDS = frozenset({"event_id", "type", "reason_code"})


def unnest_insert_sql(table: sa.Table, columns: list[str], tail: str = "") -> str:
    """INSERT INTO table (columns) SELECT * FROM unnest($1::type[], ...) [tail], PostgreSQL.

    One array parameter per column: the statement text and its plan do not depend on how many
    rows there are, and asyncpg encodes the arrays in C (no per-value work in SQLAlchemy). The
    bench's raw baseline inserts its rows with this same statement form."""
    arrays = ", ".join(
        f"${i + 1}::{table.c[name].type.compile(dialect=_PG)}[]" for i, name in enumerate(columns)
    )
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) {tail}"
    ).rstrip()


def as_columns(rows: list[dict[str, Any]], columns: list[str]) -> tuple[list[Any], ...]:
    return tuple([row[name] for row in rows] for name in columns)


_EVENT_COLUMNS = [column.name for column in _EVENTS.columns if column.name != "id"]
_INSERT_EVENTS_PG = unnest_insert_sql(
    _EVENTS, _EVENT_COLUMNS, "ON CONFLICT (source, source_event_id) DO NOTHING"
)
_OUTBOX_COLUMNS = ["topic", "key", "payload"]
# created_at and attempts are the same for the whole batch: scalars, not 1,000-long arrays.
_INSERT_OUTBOX_PG = (
    "INSERT INTO outbox_events (topic, key, payload, created_at, attempts) "
    "SELECT topic, key, payload, $4::TIMESTAMP WITH TIME ZONE, 0 FROM unnest("
    + ", ".join(
        f"${i + 1}::{_OUTBOX.c[name].type.compile(dialect=_PG)}[]"
        for i, name in enumerate(_OUTBOX_COLUMNS)
    )
    + ") AS v(topic, key, payload)"
)
_STOP_COLUMNS = ["route_id", "delivery_id", "sequence"]
_INSERT_STOPS_PG = unnest_insert_sql(RouteStop.__table__, _STOP_COLUMNS)


async def _driver(session: AsyncSession) -> Any:
    """The session's asyncpg connection, inside the transaction SQLAlchemy has begun.

    The batch's hot statements go to it directly (asyncpg prepares each once per connection):
    no SQLAlchemy cursor, result or greenlet switch around them. Callers must have run a
    statement through the session first (the batch's SET LOCAL), so the transaction is open."""
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection


def _carrier_finder(operator_pattern: str) -> Any:
    """event -> carrier code: as given, else from the tracking number's format (the formats
    built once per batch, not once per event)."""
    formats = carrier_formats(operator_pattern)

    def carrier(event: CanonicalEvent) -> str | None:
        if event.carrier:
            return event.carrier
        normalized = normalize_tracking_number(event.tracking_number)
        for fmt in formats:
            if fmt.pattern.fullmatch(normalized):
                return fmt.carrier
        return None

    return carrier


_PLAN_BY_KEY = sa.text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), "
    "set_config('enable_mergejoin', 'off', true)"
)
_PLAN_DEFAULT = sa.text(
    "SELECT set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true), "
    "set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)"
)


def dumps(value: Any) -> str:
    """Compact JSON text (orjson), for the JSON columns written by the batch path."""
    return orjson.dumps(value).decode()


# --- results ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Rejection:
    event_id: str
    tracking_number: str
    type: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "event_id": self.event_id,
            "tracking_number": self.tracking_number,
            "type": self.type,
            "reason": self.reason,
        }


@dataclass(slots=True)
class IngestResult:
    """What one batch did: counts, and every rejected transition with its reason."""

    received: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    deliveries_created: int = 0
    deliveries_replayed: int = 0
    duplicate_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "rejections": [r.as_dict() for r in self.rejected],
            "deliveries_created": self.deliveries_created,
            "deliveries_replayed": self.deliveries_replayed,
        }

    def merge(self, other: IngestResult) -> None:
        self.received += other.received
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.deliveries_created += other.deliveries_created
        self.deliveries_replayed += other.deliveries_replayed
        self.duplicate_ids.extend(other.duplicate_ids)


class UnknownCarrier(InvalidEvents):
    """Events whose carrier is neither given nor recognizable from the tracking number."""


class _ConcurrentDuplicate(Exception):
    """Another transaction logged one of our events first: retry the batch."""


class _UnexpectedDuplicate(Exception):
    """An event skipped by the watermark shortcut was in the log after all (logged on another
    delivery, or by a concurrent batch): redo the batch checking every event."""


# --- the canonical event as changes to a delivery ----------------------------------------------


def changes_of(event: CanonicalEvent, *, route: tuple[int, date] | None = None) -> dict[str, Any]:
    """The delivery fields a canonical event sets (route = the resolved (route id, date))."""
    changes: dict[str, Any] = {}
    if event.delivery is not None:
        details = event.delivery.model_dump(exclude_unset=True)
        address = details.pop("address", None) or {}
        for name, value in details.items():
            changes[name] = value
        for name, column in (
            ("line1", "address_line1"),
            ("line2", "address_line2"),
            ("city", "city"),
            ("state", "state"),
            ("postal_code", "postal_code"),
            ("country", "country"),
            ("timezone", "timezone"),
        ):
            if name in address:
                changes[column] = address[name]
    if event.window is not None:
        changes["window_start"] = event.window.start
        changes["window_end"] = event.window.end
    if event.eta is not None:
        changes["eta"] = event.eta
    if route is not None:
        changes["route_id"], service_date = route
        changes["service_date"] = service_date
        if event.route is not None and event.route.sequence is not None:
            changes[STOP_SEQUENCE] = event.route.sequence
    elif event.type is EventType.RESCHEDULED:
        changes["route_id"] = None  # a rebook takes the stop off its old route
    if event.pod is not None:
        if event.pod.signed_by:
            changes["signed_by"] = event.pod.signed_by
        if event.pod.photo_urls:
            changes["pod_photo_urls"] = list(event.pod.photo_urls)
    if event.type is EventType.DELIVERED:
        changes["delivered_at"] = event.occurred_at
    if event.reason_code is not None and event.type in (
        EventType.FAILED_ATTEMPT,
        EventType.RETURN_TO_SENDER,
        EventType.HELD_FOR_PICKUP,
    ):
        changes["failure_reason"] = str(event.reason_code)
    return changes


def _stored_payload(event: CanonicalEvent, changes: dict[str, Any]) -> dict[str, Any]:
    """What the event row keeps: the event as sent (less what the row has as columns: event_id,
    type, reason_code) and the delivery fields it sets (`changes`, what a replay folds)."""
    raw = event.model_dump(mode="json", exclude=_EVENT_COLUMN_FIELDS, exclude_none=True)
    if raw.get("delivery", {}).get("access_code"):
        raw["delivery"]["access_code"] = "***"  # the secret lives on the delivery only once
    return {"event": raw, "changes": to_json(changes)}


def stored_payload_json(event: CanonicalEvent, changes: dict[str, Any]) -> str:
    """`_stored_payload` as JSON text, serialized once (pydantic's own JSON for the event)."""
    if event.delivery is not None and event.delivery.access_code:
        return dumps(_stored_payload(event, changes))
    raw = event.model_dump_json(exclude=_EVENT_COLUMN_FIELDS, exclude_none=True)
    return '{"event":' + raw + ',"changes":' + dumps(to_json(changes)) + "}"


def _entry_from_row(row: Any) -> LogEntry:
    payload = row.payload or {}
    return LogEntry(
        source=row.source,
        source_event_id=row.source_event_id,
        type=row.type,
        occurred_at=row.occurred_at,
        reason_code=row.reason_code,
        changes=from_json(payload.get("changes") or {}),
        row_id=row.id,
        applied=row.applied,
        from_status=row.from_status,
        to_status=row.to_status,
        rejected_reason=row.rejected_reason,
    )


# --- one event, in the caller's transaction -----------------------------------------------------


async def record_event(
    session: AsyncSession,
    *,
    delivery: Delivery,
    type: str,
    occurred_at: datetime,
    source: str,
    source_event_id: str,
    reason_code: str | None = None,
    payload: dict[str, Any] | None = None,
    max_customer_rebooks: int = DEFAULT_MAX_CUSTOMER_REBOOKS,
    **changes: Any,
) -> DeliveryEvent:
    """Log one event on `delivery` and apply it through the state machine, in the caller's
    transaction. A replay of (source, source_event_id) returns the logged event unchanged.
    `changes` are delivery fields to set with it (window_start=..., access_code=...); they
    apply only if the transition does. Impossible transitions are logged (applied=False) and
    reported on the outbox as delivery.transition_rejected; check `.applied` on the result."""
    event_type = EventType(type)
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"not delivery fields an event can change: {sorted(unknown)}")
    if reason_code is not None:
        reason_code = str(ReasonCode(reason_code))
    existing = await _logged_event(session, source, source_event_id)
    if existing is not None:
        return existing

    await session.flush()  # the delivery must have an id, and the caller's changes a row
    if session.bind.dialect.name == "postgresql":
        await session.execute(
            sa.select(Delivery.id).where(Delivery.id == delivery.id).with_for_update()
        )
    derived = dict(changes)
    if event_type is EventType.DELIVERED:
        derived.setdefault("delivered_at", occurred_at)
    if event_type is EventType.RESCHEDULED:
        derived.setdefault("route_id", None)
    if reason_code and event_type in (
        EventType.FAILED_ATTEMPT,
        EventType.RETURN_TO_SENDER,
        EventType.HELD_FOR_PICKUP,
    ):
        derived.setdefault("failure_reason", reason_code)
    entry = LogEntry(
        source=source,
        source_event_id=source_event_id,
        type=str(event_type),
        occurred_at=occurred_at,
        reason_code=reason_code,
        changes=derived,
    )
    state = {name: getattr(delivery, name) for name in STATE_FIELDS}
    state["attempt_count"] = state["attempt_count"] or 0
    state["status"] = DeliveryStatus(state["status"] or DeliveryStatus.CREATED)
    replay = needs_replay(state, [entry])
    logged = await _delivery_log(session, [delivery.id]) if replay else {}
    result = fold(
        state,
        [entry],
        log=logged.get(delivery.id, []) if replay else None,
        max_customer_rebooks=max_customer_rebooks,
    )
    row_id = await session.scalar(
        _insert(session, DeliveryEvent)
        .values(
            delivery_id=delivery.id,
            **_event_columns(entry),
            received_at=utcnow(),
            payload={**(payload or {}), "changes": to_json(derived)},
        )
        .on_conflict_do_nothing(index_elements=["source", "source_event_id"])
        .returning(DeliveryEvent.id)
    )
    if row_id is None:  # logged by a concurrent transaction a moment ago
        return await _logged_event(session, source, source_event_id)

    old_route = delivery.route_id
    previous = DeliveryStatus(delivery.status or DeliveryStatus.CREATED)
    for name in STATE_FIELDS:
        setattr(delivery, name, result.state[name])
    await _update_old_events(session, result.changed_old)
    if old_route != delivery.route_id or STOP_SEQUENCE in derived:
        await _sync_stops(session, {delivery.id: (delivery.route_id, _sequence(result))})
    for payload_out in _outbox_payloads(
        result,
        delivery_id=delivery.id,
        tracking_number=delivery.tracking_number,
        previous_status=previous,
        new_keys={entry.key},
        replayed=replay,
    ):
        add_event(session, payload_out.pop("_topic"), payload_out, key=str(delivery.id))
    await session.flush()
    event = await session.get(DeliveryEvent, row_id)
    assert event is not None
    return event


async def _logged_event(
    session: AsyncSession, source: str, source_event_id: str
) -> DeliveryEvent | None:
    return await session.scalar(
        sa.select(DeliveryEvent).where(
            DeliveryEvent.source == source, DeliveryEvent.source_event_id == source_event_id
        )
    )


# --- batches ------------------------------------------------------------------------------------


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
    carrier = _carrier_finder(operator_pattern)
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
        await session.execute(_PLAN_BY_KEY)

    # 1. One event per id: later copies in the same batch are duplicates.
    unique: dict[str, CanonicalEvent] = {}
    for event in events:
        if event.event_id in unique:
            result.duplicates += 1
            result.duplicate_ids.append(event.event_id)
        else:
            unique[event.event_id] = event

    # 2. Carriers, then the deliveries (created when an event arrives before 'created').
    carrier_ids = await _carrier_ids(session, {carrier_of[e] for e in unique})
    key_of = {
        event_id: (carrier_ids[carrier_of[event_id]], event.tracking_number)
        for event_id, event in unique.items()
    }
    keys = sorted(set(key_of.values()))
    rows = await _lock_deliveries(session, keys)
    missing = [key for key in keys if key not in rows]
    if missing:  # events can arrive before 'created': the delivery starts with them
        created = await _create_missing_deliveries(session, missing)
        result.deliveries_created = len(created)
        rows.update(created)
        raced = [key for key in missing if key not in created]
        if raced:  # created by a concurrent batch a moment ago
            rows.update(await _lock_deliveries(session, raced))

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
    seen = await _already_logged(session, source, candidates) if candidates else set()
    for event_id in seen:
        del unique[event_id]
        result.duplicates += 1
        result.duplicate_ids.append(event_id)
    if not unique:
        return result

    # 4. Routes and drivers named by the events, then each event's changes.
    routes = await _resolve_routes(
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
    logs = await _delivery_log(session, replay_ids) if replay_ids else {}
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
            stops[delivery_id] = (new_state["route_id"], _sequence(folded))
        key = str(delivery_id)
        for payload in _outbox_payloads(
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
        await _update_deliveries(session, delivery_updates, sorted(changed_columns), now)
    if stops:
        await _delete_stops(session, list(stops))
    if postgres:
        await session.execute(_PLAN_DEFAULT)
    page = _ROWS_PER_STATEMENT_PG if postgres else _PARAMS_PER_STATEMENT
    inserted = 0
    for chunk in _chunks(event_rows, page):
        if postgres:
            driver = await _driver(session)
            status = await driver.execute(_INSERT_EVENTS_PG, *as_columns(chunk, _EVENT_COLUMNS))
            inserted += int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"
        else:
            returned = await session.execute(
                _insert(session, _EVENTS)
                .on_conflict_do_nothing(index_elements=["source", "source_event_id"])
                .returning(_EVENTS.c.id),
                chunk,
            )
            inserted += len(returned.all())
    if inserted != len(event_rows):  # the transaction (or savepoint) rolls back, all of it
        raise _ConcurrentDuplicate() if check_all else _UnexpectedDuplicate()
    await _update_old_events(session, changed_old)
    for chunk in _chunks(outbox_rows, page):
        if postgres:
            driver = await _driver(session)
            await driver.execute(_INSERT_OUTBOX_PG, *as_columns(chunk, _OUTBOX_COLUMNS), now)
        else:
            await session.execute(sa.insert(_OUTBOX), chunk)
    if stops:
        await _insert_stops(session, stops)
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


async def _update_deliveries(
    session: AsyncSession, updates: list[dict[str, Any]], columns: list[str], now: datetime
) -> None:
    """Write the folded deliveries: only the columns some delivery of the batch changed.

    PostgreSQL: one UPDATE ... FROM unnest(arrays) for the whole batch (one parameter per
    column, one statement text per column set, so one prepared statement). SQLite: executemany."""
    if session.bind.dialect.name == "postgresql":
        names = ["id", *columns]
        arrays: list[list[Any]] = [[row["id"] for row in updates]]
        for name in columns:
            if name == "pod_photo_urls":
                arrays.append([dumps(list(row[name] or [])) for row in updates])
            elif name == "status":
                arrays.append([str(row[name]) for row in updates])
            else:
                arrays.append([row[name] for row in updates])
        sets = ", ".join(f"{name} = v.{name}" for name in columns)
        unnest = ", ".join(f"${i + 2}::{_PG_TYPES[name]}[]" for i, name in enumerate(names))
        sql = (
            f"UPDATE deliveries AS d SET updated_at = $1, {sets} "
            f"FROM unnest({unnest}) AS v({', '.join(names)}) WHERE d.id = v.id"
        )
        driver = await _driver(session)
        await driver.execute(sql, now, *arrays)
        return
    statement = (
        _DELIVERIES.update()
        .where(_DELIVERIES.c.id == sa.bindparam("_id"))
        .values(
            updated_at=now,
            **{name: sa.bindparam(f"_{name}", type_=_DELIVERIES.c[name].type) for name in columns},
        )
    )
    params = [{"_id": row["id"], **{f"_{name}": row[name] for name in columns}} for row in updates]
    for chunk in _chunks(params, _PARAMS_PER_STATEMENT):
        await session.execute(statement, chunk)


# --- statements ---------------------------------------------------------------------------------


def _insert(session: AsyncSession, table: Any) -> Any:
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _chunks(rows: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _event_columns(entry: LogEntry) -> dict[str, Any]:
    return {
        "source": entry.source,
        "source_event_id": entry.source_event_id,
        "type": entry.type,
        "occurred_at": entry.occurred_at,
        "reason_code": entry.reason_code,
        "applied": bool(entry.applied),
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "rejected_reason": entry.rejected_reason,
    }


async def _carrier_ids(session: AsyncSession, codes: set[str]) -> dict[str, int]:
    query = sa.select(Carrier.code, Carrier.id).where(Carrier.code.in_(codes))
    known = dict((await session.execute(query)).all())
    if len(known) == len(codes):
        return known
    now = utcnow()
    await session.execute(
        _insert(session, Carrier).on_conflict_do_nothing(index_elements=["code"]),
        [
            {
                "code": code,
                "name": CARRIER_NAMES.get(code, code.upper()),
                "created_at": now,
                "updated_at": now,
            }
            for code in sorted(codes)
        ],
    )
    rows = await session.execute(sa.select(Carrier.code, Carrier.id).where(Carrier.code.in_(codes)))
    return dict(rows.all())


def _state_columns() -> list[Any]:
    table = _DELIVERIES
    return [table.c.id, table.c.carrier_id, table.c.tracking_number] + [
        table.c[name] for name in STATE_FIELDS
    ]


def _state_of(row: Any) -> dict[str, Any]:
    state = dict(row)
    state["status"] = DeliveryStatus(state["status"])
    state["attempt_count"] = state["attempt_count"] or 0
    state["pod_photo_urls"] = list(state["pod_photo_urls"] or [])
    return state


def _page(session: AsyncSession) -> int:
    return (
        _ROWS_PER_STATEMENT_PG
        if session.bind.dialect.name == "postgresql"
        else _PARAMS_PER_STATEMENT
    )


_STATE_NAMES = ["id", "carrier_id", "tracking_number", *STATE_FIELDS]


def _new_delivery_defaults(now: datetime) -> dict[str, Any]:
    """The column values of a delivery created by its first event (the model's defaults)."""
    values: dict[str, Any] = {}
    for column in _DELIVERIES.columns:
        if column.name in ("id", "carrier_id", "tracking_number") or column.default is None:
            continue
        default = column.default
        values[column.name] = default.arg if default.is_scalar else default.arg(None)
    values.update(status=str(DeliveryStatus.CREATED), attempt_count=0)
    values.update(created_at=now, updated_at=now)
    return values


async def _create_missing_deliveries(
    session: AsyncSession, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], dict[str, Any]]:
    """Insert the deliveries; the state of those this transaction created (and so holds)."""
    out: dict[tuple[int, str], dict[str, Any]] = {}
    now = utcnow()
    if session.bind.dialect.name == "postgresql":
        defaults = _new_delivery_defaults(now)
        names = list(defaults)
        scalars = ", ".join(f"${i + 3}::{_PG_TYPES[name]}" for i, name in enumerate(names))
        sql = (
            f"INSERT INTO deliveries (carrier_id, tracking_number, {', '.join(names)}) "
            f"SELECT v.carrier_id, v.tracking_number, {scalars} "
            f"FROM unnest($1::{_PG_TYPES['carrier_id']}[], $2::{_PG_TYPES['tracking_number']}[])"
            " AS v(carrier_id, tracking_number) "
            "ON CONFLICT (carrier_id, tracking_number) DO NOTHING "
            f"RETURNING {', '.join(_STATE_NAMES)}"
        )
        values = [
            dumps(value) if isinstance(_DELIVERIES.c[name].type, sa.JSON) else value
            for name, value in defaults.items()
        ]
        driver = await _driver(session)
        for chunk in _chunks(keys, _ROWS_PER_STATEMENT_PG):
            returned = await driver.fetch(
                sql, [c for c, _ in chunk], [n for _, n in chunk], *values
            )
            for row in returned:
                out[(row[1], row[2])] = _state_of(zip(_STATE_NAMES, row, strict=True))
        return out
    for chunk in _chunks(keys, _page(session)):
        returned = await session.execute(
            _insert(session, _DELIVERIES)
            .on_conflict_do_nothing(index_elements=["carrier_id", "tracking_number"])
            .returning(*_state_columns()),
            [
                {
                    "carrier_id": carrier_id,
                    "tracking_number": number,
                    "status": DeliveryStatus.CREATED,
                    "attempt_count": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for carrier_id, number in chunk
            ],
        )
        for row in returned.mappings():
            out[(row["carrier_id"], row["tracking_number"])] = _state_of(row)
    return out


async def _lock_deliveries(
    session: AsyncSession, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], dict[str, Any]]:
    """The deliveries' current state, locked for this transaction on PostgreSQL."""
    out: dict[tuple[int, str], dict[str, Any]] = {}
    by_carrier: dict[int, list[str]] = defaultdict(list)
    for carrier_id, number in keys:
        by_carrier[carrier_id].append(number)
    chunks = [
        (carrier_id, chunk)
        for carrier_id, numbers in sorted(by_carrier.items())
        for chunk in _chunks(numbers, _page(session))
    ]
    if session.bind.dialect.name == "postgresql":
        sql = (
            f"SELECT {', '.join(_STATE_NAMES)} FROM deliveries WHERE carrier_id = $1 "
            f"AND tracking_number = ANY($2::{_PG_TYPES['tracking_number']}[]) "
            "ORDER BY id FOR UPDATE"
        )
        driver = await _driver(session)
        for carrier_id, chunk in chunks:
            for row in await driver.fetch(sql, carrier_id, chunk):
                out[(row[1], row[2])] = _state_of(zip(_STATE_NAMES, row, strict=True))
        return out
    for carrier_id, chunk in chunks:
        stmt = (
            sa.select(*_state_columns())
            .where(
                _DELIVERIES.c.carrier_id == carrier_id,
                _one_of(session, _DELIVERIES.c.tracking_number, chunk),
            )
            .order_by(_DELIVERIES.c.id)
        )
        if session.bind.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        for row in (await session.execute(stmt)).mappings():
            out[(row["carrier_id"], row["tracking_number"])] = _state_of(row)
    return out


async def _already_logged(session: AsyncSession, source: str, event_ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for chunk in _chunks(event_ids, _page(session)):
        rows = await session.scalars(
            sa.select(DeliveryEvent.source_event_id).where(
                DeliveryEvent.source == source,
                _one_of(session, DeliveryEvent.source_event_id, chunk),
            )
        )
        seen.update(rows)
    return seen


def _one_of(session: AsyncSession, column: Any, values: list[Any]) -> Any:
    """column IN values; on PostgreSQL one array parameter (= ANY), one plan for any length."""
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


async def _delivery_log(
    session: AsyncSession, delivery_ids: list[int]
) -> dict[int, list[LogEntry]]:
    logs: dict[int, list[LogEntry]] = defaultdict(list)
    for chunk in _chunks(delivery_ids, _page(session)):
        rows = await session.execute(
            sa.select(
                DeliveryEvent.id,
                DeliveryEvent.delivery_id,
                DeliveryEvent.source,
                DeliveryEvent.source_event_id,
                DeliveryEvent.type,
                DeliveryEvent.occurred_at,
                DeliveryEvent.reason_code,
                DeliveryEvent.payload,
                DeliveryEvent.applied,
                DeliveryEvent.from_status,
                DeliveryEvent.to_status,
                DeliveryEvent.rejected_reason,
            ).where(_one_of(session, DeliveryEvent.delivery_id, chunk))
        )
        for row in rows:
            logs[row.delivery_id].append(_entry_from_row(row))
    return logs


async def _update_old_events(session: AsyncSession, entries: list[LogEntry]) -> None:
    if not entries:
        return
    await session.execute(
        sa.update(DeliveryEvent),
        [
            {
                "id": e.row_id,
                "applied": bool(e.applied),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "rejected_reason": e.rejected_reason,
            }
            for e in entries
        ],
    )


async def _resolve_routes(
    session: AsyncSession,
    events: Iterable[CanonicalEvent],
    carrier_ids: dict[str, int],
    operator_pattern: str,
    operator_timezone: str,
) -> dict[str, tuple[int, date]]:
    """Route external id -> (route id, service date), creating routes and drivers named."""
    zone = ZoneInfo(operator_timezone)
    routes: dict[str, dict[str, Any]] = {}
    drivers: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.route is None:
            continue
        ref = event.route
        when = event.window.start if event.window else event.occurred_at
        routes.setdefault(
            ref.external_id,
            {
                "external_id": ref.external_id,
                "service_date": ref.service_date or when.astimezone(zone).date(),
                "carrier_id": carrier_ids[event.carrier_code(operator_pattern)],
                "driver": None,
            },
        )
        if ref.driver is not None:
            routes[ref.external_id]["driver"] = ref.driver.external_id
            known = drivers.setdefault(ref.driver.external_id, {})
            if ref.driver.name:
                known["name"] = ref.driver.name
            if ref.driver.phone:
                known["phone"] = ref.driver.phone
    if not routes:
        return {}
    now = utcnow()
    driver_ids: dict[str, int] = {}
    if drivers:
        driver_ids = dict(
            (
                await session.execute(
                    sa.select(Driver.external_id, Driver.id).where(
                        Driver.external_id.in_(list(drivers))
                    )
                )
            ).all()
        )
        drivers = {k: v for k, v in drivers.items() if k not in driver_ids}
    if drivers:
        await session.execute(
            _insert(session, Driver).on_conflict_do_nothing(index_elements=["external_id"]),
            [
                {
                    "external_id": external_id,
                    "name": facts.get("name") or external_id,
                    "phone": facts.get("phone"),
                    "active": True,
                    "timezone": operator_timezone,
                    "created_at": now,
                    "updated_at": now,
                }
                for external_id, facts in sorted(drivers.items())
            ],
        )
        driver_ids.update(
            (
                await session.execute(
                    sa.select(Driver.external_id, Driver.id).where(
                        Driver.external_id.in_(list(drivers))
                    )
                )
            ).all()
        )
    columns = (Route.external_id, Route.id, Route.service_date, Route.driver_id)
    rows = (
        await session.execute(
            sa.select(*columns).where(_one_of(session, Route.external_id, list(routes)))
        )
    ).all()
    known_routes = {row[0] for row in rows}
    missing_routes = {k: v for k, v in routes.items() if k not in known_routes}
    if missing_routes:
        await session.execute(
            _insert(session, Route).on_conflict_do_nothing(index_elements=["external_id"]),
            [
                {
                    "external_id": external_id,
                    "service_date": facts["service_date"],
                    "carrier_id": facts["carrier_id"],
                    "driver_id": driver_ids.get(facts["driver"]) if facts["driver"] else None,
                    "status": "planned",
                    "created_at": now,
                    "updated_at": now,
                }
                for external_id, facts in sorted(missing_routes.items())
            ],
        )
        rows += (
            await session.execute(
                sa.select(*columns).where(_one_of(session, Route.external_id, list(missing_routes)))
            )
        ).all()
    reassigned = [
        {"route_id": route_id, "new_driver_id": driver_ids[routes[external_id]["driver"]]}
        for external_id, route_id, _, driver_id in rows
        if routes[external_id]["driver"]
        and driver_ids.get(routes[external_id]["driver"]) not in (None, driver_id)
    ]
    if reassigned:  # a route handed to another driver
        table = Route.__table__
        await session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("route_id"))
            .values(driver_id=sa.bindparam("new_driver_id"), updated_at=now),
            reassigned,
        )
    return {external_id: (route_id, day) for external_id, route_id, day, _ in rows}


def _candidates(entries: list[LogEntry]) -> set[str]:
    """The delivery fields `fold` can change applying `entries` on top of a state (no replay):
    the folded ones, those the events set, and service_date when they set a window."""
    names = set(FOLDED)
    for entry in entries:
        names.update(name for name in entry.changes if name in CHANGEABLE)
        if "window_start" in entry.changes:
            names.add("service_date")
    return names


def _sequence(result: FoldResult) -> int | None:
    """The stop sequence from the newest applied event that set one."""
    sequence = None
    for entry, decision in result.decisions:
        if decision.allowed and STOP_SEQUENCE in entry.changes:
            sequence = entry.changes[STOP_SEQUENCE]
        if decision.allowed and "route_id" in entry.changes and STOP_SEQUENCE not in entry.changes:
            sequence = None
    return sequence


async def _sync_stops(
    session: AsyncSession, stops: dict[int, tuple[int | None, int | None]]
) -> None:
    """Keep route_stops in step with each delivery's route: one stop, on its current route."""
    await _delete_stops(session, list(stops))
    await _insert_stops(session, stops)


async def _delete_stops(session: AsyncSession, delivery_ids: list[int]) -> None:
    table = RouteStop.__table__
    for chunk in _chunks(delivery_ids, _page(session)):
        await session.execute(table.delete().where(_one_of(session, table.c.delivery_id, chunk)))


async def _insert_stops(
    session: AsyncSession, stops: dict[int, tuple[int | None, int | None]]
) -> None:
    table = RouteStop.__table__
    for chunk in _chunks(list(stops.items()), _page(session)):
        rows = [
            {"route_id": route_id, "delivery_id": delivery_id, "sequence": sequence or 0}
            for delivery_id, (route_id, sequence) in chunk
            if route_id is not None
        ]
        if rows and session.bind.dialect.name == "postgresql":
            driver = await _driver(session)
            await driver.execute(_INSERT_STOPS_PG, *as_columns(rows, _STOP_COLUMNS))
        elif rows:
            await session.execute(table.insert(), rows)


def _outbox_payloads(
    result: FoldResult,
    *,
    delivery_id: int,
    tracking_number: str,
    previous_status: DeliveryStatus,
    new_keys: set[tuple[datetime, str, str]],
    replayed: bool,
) -> list[dict[str, Any]]:
    """The outbox events for one delivery's fold: each applied change, each rejection.

    In a replay, only the net status change is announced (a late 'failed_attempt' for a
    delivery that has since been delivered must not trigger a rebook offer)."""
    out: list[dict[str, Any]] = []
    final = DeliveryStatus(result.state["status"])
    last_change: tuple[LogEntry, Any] | None = None
    for entry, decision in result.decisions:
        is_new = entry.key in new_keys
        base = {
            "delivery_id": delivery_id,
            "tracking_number": tracking_number,
            "event_type": entry.type,
            "source": entry.source,
            "event_id": entry.source_event_id,
            "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
            "reason_code": entry.reason_code,
        }
        if not decision.allowed:
            if is_new or entry in result.changed_old:
                out.append(
                    {
                        "_topic": TOPIC_REJECTED,
                        **base,
                        "status": str(decision.from_status),
                        "reason": decision.reason,
                        "late": replayed,
                    }
                )
            continue
        if decision.status_changed:
            last_change = (entry, decision)
        if not replayed and is_new:
            if decision.status_changed:
                out.append(
                    {
                        "_topic": TOPIC_STATUS_CHANGED,
                        **base,
                        "from_status": str(decision.from_status),
                        "to_status": str(decision.to_status),
                        "attempt_count": result.state["attempt_count"],
                    }
                )
            else:
                out.append(
                    {
                        "_topic": TOPIC_UPDATED,
                        **base,
                        "status": str(decision.to_status),
                        "changed": sorted(k for k in entry.changes if k in CHANGEABLE),
                    }
                )
    if replayed:
        if final != previous_status and last_change is not None:
            entry, _ = last_change
            out.append(
                {
                    "_topic": TOPIC_STATUS_CHANGED,
                    "delivery_id": delivery_id,
                    "tracking_number": tracking_number,
                    "event_type": entry.type,
                    "source": entry.source,
                    "event_id": entry.source_event_id,
                    "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
                    "reason_code": entry.reason_code,
                    "from_status": str(previous_status),
                    "to_status": str(final),
                    "attempt_count": result.state["attempt_count"],
                    "late": True,
                }
            )
        else:
            for entry, decision in result.decisions:
                if entry.key in new_keys and decision.allowed:
                    out.append(
                        {
                            "_topic": TOPIC_UPDATED,
                            "delivery_id": delivery_id,
                            "tracking_number": tracking_number,
                            "event_type": entry.type,
                            "source": entry.source,
                            "event_id": entry.source_event_id,
                            "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
                            "status": str(final),
                            "changed": sorted(k for k in entry.changes if k in CHANGEABLE),
                            "late": True,
                        }
                    )
    return out
