"""One event on a delivery the caller holds, logged and applied in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.event_log import delivery_log, event_columns, logged_event, update_old_events
from data.ingest.fold import (
    CHANGEABLE,
    STATE_FIELDS,
    STOP_SEQUENCE,
    LogEntry,
    fold,
    needs_replay,
    to_json,
)
from data.ingest.outbox_payloads import outbox_payloads
from data.ingest.routes import stop_sequence, sync_stops
from data.ingest.sql import dialect_insert
from data.models import Delivery, DeliveryEvent
from data.outbox import add_event
from data.reason_codes import ReasonCode
from data.state_machine import (
    DEFAULT_MAX_CUSTOMER_REBOOKS,
    RECORDS_FAILURE_REASON,
    TAKES_OFF_ROUTE,
    EventType,
)
from data.types import DeliveryStatus, utcnow


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
    existing = await logged_event(session, source, source_event_id)
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
    if event_type in TAKES_OFF_ROUTE:
        derived.setdefault("route_id", None)
    if reason_code and event_type in RECORDS_FAILURE_REASON:
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
    logged = await delivery_log(session, [delivery.id]) if replay else {}
    result = fold(
        state,
        [entry],
        log=logged.get(delivery.id, []) if replay else None,
        max_customer_rebooks=max_customer_rebooks,
    )
    row_id = await session.scalar(
        dialect_insert(session, DeliveryEvent)
        .values(
            delivery_id=delivery.id,
            **event_columns(entry),
            received_at=utcnow(),
            payload={**(payload or {}), "changes": to_json(derived)},
        )
        .on_conflict_do_nothing(index_elements=["source", "source_event_id"])
        .returning(DeliveryEvent.id)
    )
    if row_id is None:  # logged by a concurrent transaction a moment ago
        return await logged_event(session, source, source_event_id)

    old_route = delivery.route_id
    previous = DeliveryStatus(delivery.status or DeliveryStatus.CREATED)
    for name in STATE_FIELDS:
        setattr(delivery, name, result.state[name])
    await update_old_events(session, result.changed_old)
    if old_route != delivery.route_id or STOP_SEQUENCE in derived:
        await sync_stops(session, {delivery.id: (delivery.route_id, stop_sequence(result))})
    for payload_out in outbox_payloads(
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
