"""The batch path's SQL: raw PostgreSQL statements (unnest arrays, sent to asyncpg directly),
the JSON columns serialized once, and the dialect helpers shared by the ingest modules."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from data.models import Delivery, DeliveryEvent, OutboxEvent, RouteStop

T = TypeVar("T")
U = TypeVar("U")

PARAMS_PER_STATEMENT = 900  # rows per IN list / VALUES page on SQLite, under its limits
# On PostgreSQL an IN list is one array parameter (= ANY) and insertmanyvalues pages its own
# VALUES (1,000 rows), so a batch from the web (<= 1,000 events) is one statement per table.
ROWS_PER_STATEMENT_PG = 5_000


class SerializedJSON(sa.types.TypeDecorator):
    """A JSON column written from text serialized once by us (orjson), not again by the driver."""

    impl = sa.JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:  # noqa: ARG002
        return None


def _with_serialized_json(table: sa.Table) -> sa.Table:
    """The table's columns, for Core inserts whose JSON values arrive as JSON text."""
    return sa.Table(
        table.name,
        sa.MetaData(),
        *[
            sa.Column(
                column.name,
                SerializedJSON() if isinstance(column.type, sa.JSON) else column.type,
                primary_key=column.primary_key,
            )
            for column in table.columns
        ],
    )


EVENTS = _with_serialized_json(DeliveryEvent.__table__)
OUTBOX = _with_serialized_json(OutboxEvent.__table__)
DELIVERIES = Delivery.__table__
PG = postgresql.dialect()
# The deliveries columns' SQL types on PostgreSQL, for the arrays of the one-statement UPDATE.
PG_TYPES = {column.name: column.type.compile(dialect=PG) for column in DELIVERIES.columns}


def unnest_insert_sql(table: sa.Table, columns: list[str], tail: str = "") -> str:
    """INSERT INTO table (columns) SELECT * FROM unnest($1::type[], ...) [tail], PostgreSQL.

    One array parameter per column: the statement text and its plan do not depend on how many
    rows there are, and asyncpg encodes the arrays in C (no per-value work in SQLAlchemy). The
    bench's raw baseline inserts its rows with this same statement form."""
    arrays = ", ".join(
        f"${i + 1}::{table.c[name].type.compile(dialect=PG)}[]" for i, name in enumerate(columns)
    )
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) {tail}"
    ).rstrip()


def as_columns(rows: list[dict[str, Any]], columns: list[str]) -> tuple[list[Any], ...]:
    return tuple([row[name] for row in rows] for name in columns)


EVENT_COLUMNS = [column.name for column in EVENTS.columns if column.name != "id"]
OUTBOX_COLUMNS = ["topic", "key", "payload"]
STOP_COLUMNS = ["route_id", "delivery_id", "sequence"]
INSERT_STOPS_PG = unnest_insert_sql(RouteStop.__table__, STOP_COLUMNS)


PLAN_BY_KEY = sa.text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), "
    "set_config('enable_mergejoin', 'off', true)"
)
PLAN_DEFAULT = (  # sent to asyncpg directly: plain SQL text
    "SELECT set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true), "
    "set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)"
)


async def driver_connection(session: AsyncSession) -> Any:
    """The session's asyncpg connection, inside the transaction SQLAlchemy has begun.

    The batch's hot statements go to it directly (asyncpg prepares each once per connection):
    no SQLAlchemy cursor, result or greenlet switch around them. Callers must have run a
    statement through the session first (the batch's SET LOCAL), so the transaction is open."""
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection


def dumps(value: Any) -> str:
    """Compact JSON text (orjson), for the JSON columns written by the batch path."""
    return orjson.dumps(value).decode()


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def chunked(rows: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def page_size(session: AsyncSession) -> int:
    return (
        ROWS_PER_STATEMENT_PG if session.bind.dialect.name == "postgresql" else PARAMS_PER_STATEMENT
    )


async def select_in(
    session: AsyncSession, columns: list[Any], key: Any, values: list[Any], **equal: Any
) -> list[tuple[Any, ...]]:
    """The rows (`columns`, a tuple each) of key's table whose `key` is one of `values` and
    whose columns named in `equal` hold those values. PostgreSQL: straight to asyncpg, one
    array parameter per page; SQLite: Core statements with an IN list per page."""
    rows: list[tuple[Any, ...]] = []
    if session.bind.dialect.name == "postgresql":
        table = key.table
        conditions = [f"{name} = ${i + 1}" for i, name in enumerate(equal)]
        array_type = table.c[key.name].type.compile(dialect=PG)
        conditions.append(f"{key.name} = ANY(${len(equal) + 1}::{array_type}[])")
        sql = (
            f"SELECT {', '.join(c.name for c in columns)} FROM {table.name} "
            f"WHERE {' AND '.join(conditions)}"
        )
        driver = await driver_connection(session)
        for chunk in chunked(values, ROWS_PER_STATEMENT_PG):
            rows.extend(tuple(row) for row in await driver.fetch(sql, *equal.values(), chunk))
        return rows
    table = key.table
    for chunk in chunked(values, PARAMS_PER_STATEMENT):
        query = sa.select(*columns).where(
            key.in_(chunk), *(table.c[name] == value for name, value in equal.items())
        )
        rows.extend(tuple(row) for row in (await session.execute(query)).all())
    return rows


def one_of(session: AsyncSession, column: Any, values: list[Any]) -> Any:
    """column IN values; on PostgreSQL one array parameter (= ANY), one plan for any length."""
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def recordset_insert_sql(table: sa.Table, columns: list[str], tail: str = "") -> str:
    """INSERT INTO table (columns) SELECT ... FROM json_to_recordset($1::json), PostgreSQL.

    The whole batch is one parameter, a JSON array of objects serialized in one orjson call
    (JSON columns embedded as they are): no per-value encoding in Python at all."""
    fields = ", ".join(f"{name} {table.c[name].type.compile(dialect=PG)}" for name in columns)
    names = ", ".join(columns)
    return (
        f"INSERT INTO {table.name} ({names}) SELECT {names} "
        f"FROM json_to_recordset($1::json) AS v({fields}) {tail}"
    ).rstrip()


def recordset(rows: list[dict[str, Any]]) -> str:
    """Rows as the JSON text json_to_recordset reads: one orjson call for a whole batch.
    Datetimes keep their offset; Decimals go as strings (exact); JSON text already serialized
    goes in as orjson.Fragment."""
    return orjson.dumps(rows, default=_json_default).decode()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


INSERT_EVENTS_PG = recordset_insert_sql(
    EVENTS, EVENT_COLUMNS, "ON CONFLICT (source, source_event_id) DO NOTHING"
)
# created_at and attempts are the same for the whole batch: parameters, not 1,000 JSON fields.
INSERT_OUTBOX_PG = (
    "INSERT INTO outbox_events (topic, key, payload, created_at, attempts) "
    "SELECT topic, key, payload, $2::TIMESTAMP WITH TIME ZONE, 0 "
    "FROM json_to_recordset($1::json) AS v("
    + ", ".join(f"{name} {OUTBOX.c[name].type.compile(dialect=PG)}" for name in OUTBOX_COLUMNS)
    + ")"
)


async def while_executing(statement: Awaitable[T], work: Callable[[], U]) -> tuple[T, U]:
    """Run `work` (Python only, no I/O) while the database executes `statement`: the statement
    is sent first, then `work` runs, then its result is awaited."""
    task = asyncio.ensure_future(statement)
    await asyncio.sleep(0)  # the task's first step sends the statement
    try:
        done = work()
    except BaseException:
        with contextlib.suppress(BaseException):
            await task  # never leave a statement running on the connection
        raise
    return await task, done
