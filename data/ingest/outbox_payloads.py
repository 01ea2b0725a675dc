"""The outbox events a delivery's fold announces: status changes, updates, rejections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.fold import CHANGEABLE, FoldResult, LogEntry
from data.ingest.sql import (
    INSERT_OUTBOX_PG,
    OUTBOX,
    PARAMS_PER_STATEMENT,
    ROWS_PER_STATEMENT_PG,
    chunked,
    driver_connection,
    dumps,
    recordset,
)
from data.types import DeliveryStatus

TOPIC_STATUS_CHANGED = "delivery.status_changed"
TOPIC_UPDATED = "delivery.updated"
TOPIC_REJECTED = "delivery.transition_rejected"


def outbox_payloads(
    result: FoldResult,
    *,
    delivery_id: int,
    tracking_number: str,
    previous_status: DeliveryStatus,
    new_keys: set[tuple[datetime, str, str]] | None,
    replayed: bool,
) -> list[dict[str, Any]]:
    """The outbox events for one delivery's fold: each applied change, each rejection (each
    payload with its topic under "_topic").

    Without a replay every decision is about a new event (`new_keys` may be None). In a replay,
    only the net status change is announced (a late 'failed_attempt' for a delivery that has
    since been delivered must not trigger a rebook offer)."""
    out: list[dict[str, Any]] = []
    attempt_count = result.state["attempt_count"]
    last_change: LogEntry | None = None
    for entry, decision in result.decisions:
        if not decision.allowed:
            if (
                not replayed
                or (new_keys is not None and entry.key in new_keys)
                or entry in result.changed_old
            ):
                out.append(
                    _payload(TOPIC_REJECTED, entry, delivery_id, tracking_number)
                    | {
                        "status": str(decision.from_status),
                        "reason": decision.reason,
                        "late": replayed,
                    }
                )
            continue
        if decision.status_changed:
            last_change = entry
        if replayed:
            continue
        if decision.status_changed:
            payload = _payload(TOPIC_STATUS_CHANGED, entry, delivery_id, tracking_number)
            payload["from_status"] = str(decision.from_status)
            payload["to_status"] = str(decision.to_status)
            payload["attempt_count"] = attempt_count
        else:
            payload = _payload(TOPIC_UPDATED, entry, delivery_id, tracking_number)
            payload["status"] = str(decision.to_status)
            payload["changed"] = sorted(k for k in entry.changes if k in CHANGEABLE)
        out.append(payload)
    if not replayed:
        return out
    final = DeliveryStatus(result.state["status"])
    if final != previous_status and last_change is not None:
        payload = _payload(TOPIC_STATUS_CHANGED, last_change, delivery_id, tracking_number)
        payload["from_status"] = str(previous_status)
        payload["to_status"] = str(final)
        payload["attempt_count"] = attempt_count
        payload["late"] = True
        out.append(payload)
        return out
    for entry, decision in result.decisions:
        if decision.allowed and new_keys is not None and entry.key in new_keys:
            payload = _payload(TOPIC_UPDATED, entry, delivery_id, tracking_number)
            del payload["reason_code"]
            payload["status"] = str(final)
            payload["changed"] = sorted(k for k in entry.changes if k in CHANGEABLE)
            payload["late"] = True
            out.append(payload)
    return out


def _payload(topic: str, entry: LogEntry, delivery_id: int, tracking_number: str) -> dict[str, Any]:
    return {
        "_topic": topic,
        "delivery_id": delivery_id,
        "tracking_number": tracking_number,
        "event_type": entry.type,
        "source": entry.source,
        "event_id": entry.source_event_id,
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
        "reason_code": entry.reason_code,
    }


async def insert_outbox(session: AsyncSession, rows: list[dict[str, Any]], now: datetime) -> None:
    """The batch's outbox events (topic, key, payload as a dict), in the caller's transaction."""
    if not rows:
        return
    if session.bind.dialect.name == "postgresql":
        driver = await driver_connection(session)
        for chunk in chunked(rows, ROWS_PER_STATEMENT_PG):
            await driver.execute(INSERT_OUTBOX_PG, recordset(chunk), now)
        return
    for chunk in chunked(rows, PARAMS_PER_STATEMENT):
        await session.execute(
            sa.insert(OUTBOX),
            [
                {
                    "topic": row["topic"],
                    "key": row["key"],
                    "payload": dumps(row["payload"]),
                    "created_at": now,
                    "attempts": 0,
                }
                for row in chunk
            ],
        )
