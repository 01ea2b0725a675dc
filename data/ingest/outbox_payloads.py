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
