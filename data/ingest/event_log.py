"""Reading and writing a delivery's event log (delivery_events) for the ingest path."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.fold import LogEntry, from_json
from data.ingest.sql import (
    EVENTS,
    INSERT_EVENTS_PG,
    PARAMS_PER_STATEMENT,
    ROWS_PER_STATEMENT_PG,
    chunked,
    dialect_insert,
    driver_connection,
    one_of,
    page_size,
    recordset,
    select_in,
)
from data.models import DeliveryEvent


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


async def logged_event(
    session: AsyncSession, source: str, source_event_id: str
) -> DeliveryEvent | None:
    return await session.scalar(
        sa.select(DeliveryEvent).where(
            DeliveryEvent.source == source, DeliveryEvent.source_event_id == source_event_id
        )
    )


def event_columns(entry: LogEntry) -> dict[str, Any]:
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


async def already_logged(session: AsyncSession, source: str, event_ids: list[str]) -> set[str]:
    column = DeliveryEvent.source_event_id
    return {row[0] for row in await select_in(session, [column], column, event_ids, source=source)}


async def delivery_log(session: AsyncSession, delivery_ids: list[int]) -> dict[int, list[LogEntry]]:
    logs: dict[int, list[LogEntry]] = defaultdict(list)
    for chunk in chunked(delivery_ids, page_size(session)):
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
            ).where(one_of(session, DeliveryEvent.delivery_id, chunk))
        )
        for row in rows:
            logs[row.delivery_id].append(_entry_from_row(row))
    return logs


async def update_old_events(session: AsyncSession, entries: list[LogEntry]) -> None:
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


async def insert_events(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Log the events (`payload` as JSON text), skipping any already logged: how many went in.
    PostgreSQL: one INSERT ... SELECT FROM json_to_recordset per 5,000 rows, the rows one JSON
    text (one orjson call, the payloads embedded as they are), which costs the process far
    less than encoding a dozen arrays value by value."""
    inserted = 0
    if session.bind.dialect.name == "postgresql":
        driver = await driver_connection(session)
        for row in rows:
            row["payload"] = orjson.Fragment(row["payload"])
        for chunk in chunked(rows, ROWS_PER_STATEMENT_PG):
            status = await driver.execute(INSERT_EVENTS_PG, recordset(chunk))
            inserted += int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"
        return inserted
    for chunk in chunked(rows, PARAMS_PER_STATEMENT):
        returned = await session.execute(
            dialect_insert(session, EVENTS)
            .on_conflict_do_nothing(index_elements=["source", "source_event_id"])
            .returning(EVENTS.c.id),
            chunk,
        )
        inserted += len(returned.all())
    return inserted
