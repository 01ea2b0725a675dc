"""Writing a folded batch of delivery events: the deliveries' changes, the event rows, the
outbox events and the route stops, with the Python work overlapping the statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.changes import stored_payload_json
from data.ingest.deliveries import update_deliveries
from data.ingest.event_log import insert_events, update_old_events
from data.ingest.events import CanonicalEvent
from data.ingest.fold import CHANGEABLE, FOLDED, STATE_FIELDS, STOP_SEQUENCE, FoldResult, LogEntry
from data.ingest.outbox_payloads import insert_outbox, outbox_payloads
from data.ingest.results import IngestResult, Rejection
from data.ingest.routes import delete_stops, insert_stops, stop_sequence
from data.ingest.sql import PLAN_DEFAULT, driver_connection, while_executing
from data.types import utcnow


class LoggedElsewhere(Exception):
    """The events insert met an event already in the log (a concurrent batch logged it, or its
    id was used for another delivery); the caller rolls back and redoes the batch."""


@dataclass(slots=True)
class BatchDelivery:
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


async def write_batch(
    session: AsyncSession,
    deliveries: list[BatchDelivery],
    result: IngestResult,
    payloads: dict[str, str],
) -> None:
    """The folded batch into the store: the deliveries' changed columns, the event rows, the
    outbox events, the route stops. The events' insert count guards against a concurrent copy:
    LoggedElsewhere, before anything else is written after them.

    The Python work is done while the server runs the statement before it (one connection,
    one statement at a time, but no need to wait idle): the event rows while the deliveries
    UPDATE runs, the outbox events while the events INSERT runs."""
    postgres = session.bind.dialect.name == "postgresql"
    now = utcnow()
    delivery_updates, changed_columns, stops = _delivery_changes(deliveries)

    def event_rows() -> list[dict[str, Any]]:
        texts = stored_payloads(deliveries, payloads)
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
        _, rows = await while_executing(
            update_deliveries(session, delivery_updates, sorted(changed_columns), now),
            event_rows,
        )
    else:
        rows = event_rows()
    if stops:
        await delete_stops(session, list(stops))
    if postgres:
        await (await driver_connection(session)).execute(PLAN_DEFAULT)
    inserted, outbox_rows = await while_executing(
        insert_events(session, rows), lambda: _outbox_rows(deliveries)
    )
    if inserted != len(rows):  # the transaction (or savepoint) rolls back, all of it
        raise LoggedElsewhere()
    await update_old_events(session, [e for d in deliveries for e in d.folded.changed_old])
    await insert_outbox(session, outbox_rows, now)
    if stops:
        await insert_stops(session, stops)


def stored_payloads(deliveries: list[BatchDelivery], payloads: dict[str, str]) -> dict[str, str]:
    """`payloads` (event id -> stored payload as JSON text) with those missing added."""
    for delivery in deliveries:
        for entry, event in delivery.pairs:
            if entry.source_event_id not in payloads:
                payloads[entry.source_event_id] = stored_payload_json(event, entry.changes)
    return payloads


def _delivery_changes(
    deliveries: list[BatchDelivery],
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
        # A rejected event moves nothing: its stop keeps its route and place.
        touched_route = any(
            e.applied and ("route_id" in e.changes or STOP_SEQUENCE in e.changes) for e in entries
        ) or (replay and new_state["route_id"] != state["route_id"])
        if touched_route:
            stops[state["id"]] = (new_state["route_id"], stop_sequence(delivery.folded))
    return updates, columns, stops


def _outbox_rows(deliveries: list[BatchDelivery]) -> list[dict[str, Any]]:
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
