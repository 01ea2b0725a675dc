"""Writing an import's valid rows: drivers and routes as upserts, deliveries as ingested events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from data.ingest.batch import apply_events
from data.ingest.carriers import get_or_create_carriers
from data.ingest.importer.delivery_events import delivery_events
from data.ingest.importer.report import BadRow
from data.ingest.importer.rows import DriverRow, Kind, RouteRow, aware
from data.ingest.importer.validation import ValidRow
from data.ingest.results import IngestResult
from data.ingest.sql import dialect_insert
from data.models import Driver, Route
from data.types import utcnow

WRITE_BATCH = 500


async def check_references(
    session: AsyncSession, kind: Kind, valid: list[ValidRow]
) -> list[BadRow]:
    """Rows naming a driver or route that is not in the store are bad rows."""
    if kind == "routes":
        column, model, attr = "driver_external_id", Driver, "driver_external_id"
    elif kind == "deliveries":
        column, model, attr = "route_external_id", Route, "route_external_id"
    else:
        return []
    wanted = {getattr(v.record, attr) for v in valid} - {None}
    known: set[str] = set()
    names = sorted(wanted)
    for start in range(0, len(names), 900):
        known.update(
            await session.scalars(
                sa.select(model.external_id).where(
                    model.external_id.in_(names[start : start + 900])
                )
            )
        )
    what = "driver" if kind == "routes" else "route"
    return [
        BadRow(
            v.row,
            column,
            f"no {what} {getattr(v.record, attr)!r} in the store; import the {what}s first",
        )
        for v in valid
        if getattr(v.record, attr) is not None and getattr(v.record, attr) not in known
    ]


async def write_drivers(
    session: AsyncSession, records: list[DriverRow], settings: Settings, tick: Any
) -> None:
    carriers = await get_or_create_carriers(
        session, {r.carrier.lower() for r in records if r.carrier}
    )
    now = utcnow()
    for start in range(0, len(records), WRITE_BATCH):
        chunk = records[start : start + WRITE_BATCH]
        for record in chunk:
            # An empty cell is "not given": it keeps what the store has (a Slack id linked
            # since, a driver deactivated since); defaults only fill a new driver.
            given = {
                "external_id": record.external_id,
                "name": record.name,
                "phone": record.phone,
                "carrier_id": carriers.get(record.carrier.lower()) if record.carrier else None,
                "slack_user_id": record.slack_user_id,
                "timezone": record.timezone,
                "active": record.active,
            }
            values = {k: v for k, v in given.items() if v is not None} | {"updated_at": now}
            new = {"timezone": settings.operator_timezone, "active": True} | values
            stmt = dialect_insert(session, Driver).values(**new, created_at=now)
            await session.execute(
                stmt.on_conflict_do_update(index_elements=["external_id"], set_=values)
            )
            if tick:
                tick()


async def write_routes(
    session: AsyncSession, records: list[RouteRow], settings: Settings, tick: Any
) -> None:
    carriers = await get_or_create_carriers(
        session, {r.carrier.lower() for r in records if r.carrier}
    )
    drivers = dict(
        (
            await session.execute(
                sa.select(Driver.external_id, Driver.id).where(
                    Driver.external_id.in_({r.driver_external_id for r in records} - {None})
                )
            )
        ).all()
    )
    now = utcnow()
    zone = settings.operator_timezone
    for record in records:
        # An empty cell keeps what the store has: a re-imported plan does not send a started
        # route back to planned, nor drop its driver.
        given = {
            "external_id": record.external_id,
            "service_date": record.service_date,
            "driver_id": drivers.get(record.driver_external_id),
            "carrier_id": carriers.get(record.carrier.lower()) if record.carrier else None,
            "shift_start": aware(record.shift_start, zone) if record.shift_start else None,
            "shift_end": aware(record.shift_end, zone) if record.shift_end else None,
            "status": record.status,
        }
        values = {k: v for k, v in given.items() if v is not None} | {"updated_at": now}
        stmt = dialect_insert(session, Route).values(
            **({"status": "planned"} | values), created_at=now
        )
        await session.execute(
            stmt.on_conflict_do_update(index_elements=["external_id"], set_=values)
        )
        if tick:
            tick()


async def write_deliveries(
    session: AsyncSession, valid: list[ValidRow], settings: Settings, tick: Any
) -> IngestResult:
    at = datetime.now(UTC)
    total = IngestResult()
    for start in range(0, len(valid), WRITE_BATCH):
        chunk = valid[start : start + WRITE_BATCH]
        events = [e for v in chunk for e in delivery_events(v.record, settings=settings, at=at)]
        total.merge(
            await apply_events(
                session,
                events,
                source="import",
                max_customer_rebooks=settings.max_auto_rebooks,
                operator_pattern=settings.operator_tracking_pattern,
                operator_timezone=settings.operator_timezone,
            )
        )
        if tick:
            for _ in chunk:
                tick()
    return total
