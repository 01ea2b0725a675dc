"""Loading a planned demo day into the store: carriers, drivers, routes, then its events
through the ingest engine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.demo.models import DemoDay
from data.demo.people import CARRIERS
from data.ingest.apply import ingest_events
from data.ingest.events import MAX_BATCH
from data.ingest.sql import dialect_insert
from data.models import Base, Carrier, Delivery, Driver, Route
from data.types import DeliveryStatus

SOURCE = "demo"


@dataclass(slots=True)
class LoadSummary:
    events_sent: int
    applied: int
    duplicates: int
    rejected: int
    statuses: dict[str, int]


async def reset_store(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Empty every table (the demo's --reset)."""
    async with transaction(sessions) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())


async def load_day(
    sessions: async_sessionmaker[AsyncSession],
    day: DemoDay,
    *,
    operator_timezone: str = "America/New_York",
    operator_pattern: str = r"DS\d{8}",
    on_progress: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Write carriers, drivers and routes, then ingest the day's events in batches."""
    async with transaction(sessions) as session:
        await session.execute(
            dialect_insert(session, Carrier).on_conflict_do_nothing(index_elements=["code"]),
            [{"code": code, "name": name} for code, name in CARRIERS],
        )
        carrier_ids = dict((await session.execute(sa.select(Carrier.code, Carrier.id))).all())
        await session.execute(
            dialect_insert(session, Driver).on_conflict_do_nothing(index_elements=["external_id"]),
            [
                {
                    "external_id": d.external_id,
                    "carrier_id": carrier_ids[d.carrier_code],
                    "name": d.name,
                    "phone": d.phone,
                    "slack_user_id": d.slack_user_id,
                    "timezone": d.metro.timezone,
                    "active": True,
                }
                for d in day.drivers
            ],
        )
        driver_ids = dict((await session.execute(sa.select(Driver.external_id, Driver.id))).all())
        insert = dialect_insert(session, Route)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["external_id"],
                set_={"status": insert.excluded.status},
            ),
            [
                {
                    "external_id": r.external_id,
                    "driver_id": driver_ids[r.driver.external_id],
                    "carrier_id": carrier_ids[r.driver.carrier_code],
                    "service_date": day.service_date,
                    "shift_start": r.shift_start.astimezone(UTC),
                    "shift_end": r.shift_end.astimezone(UTC),
                    "status": r.status,
                }
                for r in day.routes
            ],
        )
    summary = LoadSummary(len(day.events), 0, 0, 0, {})
    for start in range(0, len(day.events), MAX_BATCH):
        batch = day.events[start : start + MAX_BATCH]
        result = await ingest_events(
            sessions,
            batch,
            source=SOURCE,
            operator_pattern=operator_pattern,
            operator_timezone=operator_timezone,
        )
        summary.applied += result.applied
        summary.duplicates += result.duplicates
        summary.rejected += len(result.rejected)
        if on_progress is not None:
            on_progress(len(batch))
    summary.statuses = await status_mix(sessions, day.tracking_numbers)
    return summary


async def status_mix(
    sessions: async_sessionmaker[AsyncSession], tracking_numbers: list[str]
) -> dict[str, int]:
    """How many of these deliveries are in each status."""
    counts: Counter[str] = Counter()
    async with sessions() as session:
        for start in range(0, len(tracking_numbers), 500):
            chunk = tracking_numbers[start : start + 500]
            rows = await session.execute(
                sa.select(Delivery.status, sa.func.count())
                .where(Delivery.tracking_number.in_(chunk))
                .group_by(Delivery.status)
            )
            for status, count in rows.all():
                counts[str(DeliveryStatus(status))] += count
    return dict(counts)
