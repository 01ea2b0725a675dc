"""The deliveries a batch touches: locked, created when missing, and written back after the fold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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
    one_of,
    page_size,
    recordset,
)
from data.types import DeliveryStatus, utcnow


async def update_deliveries(
    session: AsyncSession, updates: list[dict[str, Any]], columns: list[str], now: datetime
) -> None:
    """Write the folded deliveries: only the columns some delivery of the batch changed.

    PostgreSQL: one UPDATE ... FROM json_to_recordset for the whole batch (the rows as one JSON
    parameter, one statement text per column set, so one prepared statement). SQLite:
    executemany."""
    if session.bind.dialect.name == "postgresql":
        names = ["id", *columns]
        rows = [{name: row[name] for name in names} for row in updates]
        sets = ", ".join(f"{name} = v.{name}" for name in columns)
        fields = ", ".join(f"{name} {PG_TYPES[name]}" for name in names)
        sql = (
            f"UPDATE deliveries AS d SET updated_at = $1, {sets} "
            f"FROM json_to_recordset($2::json) AS v({fields}) WHERE d.id = v.id"
        )
        driver = await driver_connection(session)
        await driver.execute(sql, now, recordset(rows))
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


def _state_of(row: Any) -> dict[str, Any]:
    state = dict(row)
    state["status"] = DeliveryStatus(state["status"])
    state["attempt_count"] = state["attempt_count"] or 0
    if "pod_photo_urls" in state:
        state["pod_photo_urls"] = list(state["pod_photo_urls"] or [])
    return state


def _new_delivery_defaults() -> dict[str, Any]:
    """The column values of a new delivery row (the model's defaults), less its key."""
    values: dict[str, Any] = {}
    for column in DELIVERIES.columns:
        if column.default is None or column.name in ("id", "created_at", "updated_at"):
            continue
        default = column.default
        values[column.name] = default.arg if default.is_scalar else default.arg(None)
    return values


_NEW_DEFAULTS = _new_delivery_defaults()


def new_state(key: tuple[int, str]) -> dict[str, Any]:
    """The state of a delivery not in the store yet, as `lock_deliveries` would read it once
    inserted with the model's defaults (id None until it is)."""
    carrier_id, number = key
    state: dict[str, Any] = {"id": None, "carrier_id": carrier_id, "tracking_number": number}
    for name in STATE_FIELDS:
        state[name] = _NEW_DEFAULTS.get(name)  # status 'created', no attempts, ...
    return _state_of(state)


async def insert_deliveries(
    session: AsyncSession, rows: list[dict[str, Any]]
) -> dict[tuple[int, str], int]:
    """Insert new deliveries as their first events left them (carrier_id, tracking_number and
    the state fields; the rest the model's defaults). Returns the id of each one inserted: a
    key missing from the result was inserted by a concurrent transaction a moment ago."""
    now = utcnow()
    full = [_NEW_DEFAULTS | row | {"created_at": now, "updated_at": now} for row in rows]
    out: dict[tuple[int, str], int] = {}
    if not full:
        return out
    names = list(full[0])
    if session.bind.dialect.name == "postgresql":
        fields = ", ".join(f"{name} {PG_TYPES[name]}" for name in names)
        sql = (
            f"INSERT INTO deliveries ({', '.join(names)}) SELECT {', '.join(names)} "
            f"FROM json_to_recordset($1::json) AS v({fields}) "
            "ON CONFLICT (carrier_id, tracking_number) DO NOTHING "
            "RETURNING id, carrier_id, tracking_number"
        )
        driver = await driver_connection(session)
        for chunk in chunked(full, ROWS_PER_STATEMENT_PG):
            for row in await driver.fetch(sql, recordset(chunk)):
                out[(row[1], row[2])] = row[0]
        return out
    for chunk in chunked(full, max(1, PARAMS_PER_STATEMENT // len(names))):
        returned = await session.execute(
            dialect_insert(session, DELIVERIES)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=["carrier_id", "tracking_number"])
            .returning(DELIVERIES.c.id, DELIVERIES.c.carrier_id, DELIVERIES.c.tracking_number)
        )
        for delivery_id, carrier_id, number in returned.all():
            out[(carrier_id, number)] = delivery_id
    return out


async def lock_deliveries(
    session: AsyncSession, keys: list[tuple[int, str]], fields: Iterable[str] = STATE_FIELDS
) -> dict[tuple[int, str], dict[str, Any]]:
    """The deliveries' current state (id, carrier_id, tracking_number and `fields`, the state
    fields a fold will read or write), locked for this transaction on PostgreSQL."""
    wanted = set(fields)
    names = ["id", "carrier_id", "tracking_number", *(f for f in STATE_FIELDS if f in wanted)]
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
            f"SELECT {', '.join(names)} FROM deliveries WHERE carrier_id = $1 "
            f"AND tracking_number = ANY($2::{PG_TYPES['tracking_number']}[]) "
            "ORDER BY id FOR UPDATE"
        )
        driver = await driver_connection(session)
        for carrier_id, chunk in chunks:
            for row in await driver.fetch(sql, carrier_id, chunk):
                out[(row[1], row[2])] = _state_of(zip(names, row, strict=True))
        return out
    for carrier_id, chunk in chunks:
        stmt = (
            sa.select(*(DELIVERIES.c[name] for name in names))
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
