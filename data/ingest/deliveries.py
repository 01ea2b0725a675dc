"""The deliveries a batch touches: locked, created when missing, and written back after the fold."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.fold import STATE_FIELDS
from data.ingest.sql import (
    DELIVERIES,
    PARAMS_PER_STATEMENT,
    PG_TYPES,
    ROWS_PER_STATEMENT_PG,
    chunked,
    dialect_insert,
    driver_connection,
    dumps,
    one_of,
    page_size,
)
from data.types import DeliveryStatus, utcnow


async def update_deliveries(
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
        unnest = ", ".join(f"${i + 2}::{PG_TYPES[name]}[]" for i, name in enumerate(names))
        sql = (
            f"UPDATE deliveries AS d SET updated_at = $1, {sets} "
            f"FROM unnest({unnest}) AS v({', '.join(names)}) WHERE d.id = v.id"
        )
        driver = await driver_connection(session)
        await driver.execute(sql, now, *arrays)
        return
    statement = (
        DELIVERIES.update()
        .where(DELIVERIES.c.id == sa.bindparam("_id"))
        .values(
            updated_at=now,
            **{name: sa.bindparam(f"_{name}", type_=DELIVERIES.c[name].type) for name in columns},
        )
    )
    params = [{"_id": row["id"], **{f"_{name}": row[name] for name in columns}} for row in updates]
    for chunk in chunked(params, PARAMS_PER_STATEMENT):
        await session.execute(statement, chunk)


def _state_columns() -> list[Any]:
    table = DELIVERIES
    return [table.c.id, table.c.carrier_id, table.c.tracking_number] + [
        table.c[name] for name in STATE_FIELDS
    ]


def _state_of(row: Any) -> dict[str, Any]:
    state = dict(row)
    state["status"] = DeliveryStatus(state["status"])
    state["attempt_count"] = state["attempt_count"] or 0
    state["pod_photo_urls"] = list(state["pod_photo_urls"] or [])
    return state


_STATE_NAMES = ["id", "carrier_id", "tracking_number", *STATE_FIELDS]


def _new_delivery_defaults(now: datetime) -> dict[str, Any]:
    """The column values of a delivery created by its first event (the model's defaults)."""
    values: dict[str, Any] = {}
    for column in DELIVERIES.columns:
        if column.name in ("id", "carrier_id", "tracking_number") or column.default is None:
            continue
        default = column.default
        values[column.name] = default.arg if default.is_scalar else default.arg(None)
    values.update(status=str(DeliveryStatus.CREATED), attempt_count=0)
    values.update(created_at=now, updated_at=now)
    return values


async def create_missing_deliveries(
    session: AsyncSession, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], dict[str, Any]]:
    """Insert the deliveries; the state of those this transaction created (and so holds)."""
    out: dict[tuple[int, str], dict[str, Any]] = {}
    now = utcnow()
    if session.bind.dialect.name == "postgresql":
        defaults = _new_delivery_defaults(now)
        names = list(defaults)
        scalars = ", ".join(f"${i + 3}::{PG_TYPES[name]}" for i, name in enumerate(names))
        sql = (
            f"INSERT INTO deliveries (carrier_id, tracking_number, {', '.join(names)}) "
            f"SELECT v.carrier_id, v.tracking_number, {scalars} "
            f"FROM unnest($1::{PG_TYPES['carrier_id']}[], $2::{PG_TYPES['tracking_number']}[])"
            " AS v(carrier_id, tracking_number) "
            "ON CONFLICT (carrier_id, tracking_number) DO NOTHING "
            f"RETURNING {', '.join(_STATE_NAMES)}"
        )
        values = [
            dumps(value) if isinstance(DELIVERIES.c[name].type, sa.JSON) else value
            for name, value in defaults.items()
        ]
        driver = await driver_connection(session)
        for chunk in chunked(keys, ROWS_PER_STATEMENT_PG):
            returned = await driver.fetch(
                sql, [c for c, _ in chunk], [n for _, n in chunk], *values
            )
            for row in returned:
                out[(row[1], row[2])] = _state_of(zip(_STATE_NAMES, row, strict=True))
        return out
    for chunk in chunked(keys, page_size(session)):
        returned = await session.execute(
            dialect_insert(session, DELIVERIES)
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


async def lock_deliveries(
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
        for chunk in chunked(numbers, page_size(session))
    ]
    if session.bind.dialect.name == "postgresql":
        sql = (
            f"SELECT {', '.join(_STATE_NAMES)} FROM deliveries WHERE carrier_id = $1 "
            f"AND tracking_number = ANY($2::{PG_TYPES['tracking_number']}[]) "
            "ORDER BY id FOR UPDATE"
        )
        driver = await driver_connection(session)
        for carrier_id, chunk in chunks:
            for row in await driver.fetch(sql, carrier_id, chunk):
                out[(row[1], row[2])] = _state_of(zip(_STATE_NAMES, row, strict=True))
        return out
    for carrier_id, chunk in chunks:
        stmt = (
            sa.select(*_state_columns())
            .where(
                DELIVERIES.c.carrier_id == carrier_id,
                one_of(session, DELIVERIES.c.tracking_number, chunk),
            )
            .order_by(DELIVERIES.c.id)
        )
        if session.bind.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        for row in (await session.execute(stmt)).mappings():
            out[(row["carrier_id"], row["tracking_number"])] = _state_of(row)
    return out
