"""Routes, drivers and route stops named by ingested events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.events import CanonicalEvent
from data.ingest.fold import STOP_SEQUENCE, FoldResult
from data.ingest.sql import (
    INSERT_STOPS_PG,
    STOP_COLUMNS,
    as_columns,
    chunked,
    dialect_insert,
    driver_connection,
    one_of,
    page_size,
    select_in,
)
from data.models import Driver, Route, RouteStop
from data.types import utcnow


async def resolve_routes(
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
        if ref.external_id not in routes:  # the route's first event in the batch names it
            when = event.window.start if event.window else event.occurred_at
            routes[ref.external_id] = {
                "external_id": ref.external_id,
                "service_date": ref.service_date or when.astimezone(zone).date(),
                "carrier_id": carrier_ids[event.carrier_code(operator_pattern)],
                "driver": None,
            }
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
    driver_columns = [Driver.external_id, Driver.id]
    if drivers:
        wanted = list(drivers)
        driver_ids = dict(await select_in(session, driver_columns, Driver.external_id, wanted))
        drivers = {k: v for k, v in drivers.items() if k not in driver_ids}
    if drivers:
        await session.execute(
            dialect_insert(session, Driver).on_conflict_do_nothing(index_elements=["external_id"]),
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
            await select_in(session, driver_columns, Driver.external_id, list(drivers))
        )
    columns = [Route.external_id, Route.id, Route.service_date, Route.driver_id]
    rows = await select_in(session, columns, Route.external_id, list(routes))
    known_routes = {row[0] for row in rows}
    missing_routes = {k: v for k, v in routes.items() if k not in known_routes}
    if missing_routes:
        await session.execute(
            dialect_insert(session, Route).on_conflict_do_nothing(index_elements=["external_id"]),
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
        rows += await select_in(session, columns, Route.external_id, list(missing_routes))
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


def stop_sequence(result: FoldResult) -> int | None:
    """The stop sequence from the newest applied event that set one."""
    sequence = None
    for entry, decision in result.decisions:
        if decision.allowed and STOP_SEQUENCE in entry.changes:
            sequence = entry.changes[STOP_SEQUENCE]
        if decision.allowed and "route_id" in entry.changes and STOP_SEQUENCE not in entry.changes:
            sequence = None
    return sequence


async def sync_stops(
    session: AsyncSession, stops: dict[int, tuple[int | None, int | None]]
) -> None:
    """Keep route_stops in step with each delivery's route: one stop, on its current route."""
    await delete_stops(session, list(stops))
    await insert_stops(session, stops)


async def delete_stops(session: AsyncSession, delivery_ids: list[int]) -> None:
    if session.bind.dialect.name == "postgresql":
        driver = await driver_connection(session)
        await driver.execute(
            "DELETE FROM route_stops WHERE delivery_id = ANY($1::INTEGER[])", delivery_ids
        )
        return
    table = RouteStop.__table__
    for chunk in chunked(delivery_ids, page_size(session)):
        await session.execute(table.delete().where(one_of(session, table.c.delivery_id, chunk)))


async def insert_stops(
    session: AsyncSession, stops: dict[int, tuple[int | None, int | None]]
) -> None:
    table = RouteStop.__table__
    for chunk in chunked(list(stops.items()), page_size(session)):
        rows = [
            {"route_id": route_id, "delivery_id": delivery_id, "sequence": sequence or 0}
            for delivery_id, (route_id, sequence) in chunk
            if route_id is not None
        ]
        if rows and session.bind.dialect.name == "postgresql":
            driver = await driver_connection(session)
            await driver.execute(INSERT_STOPS_PG, *as_columns(rows, STOP_COLUMNS))
        elif rows:
            await session.execute(table.insert(), rows)
