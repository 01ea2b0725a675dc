"""`doorstep bench ingest`: delivery events per second into PostgreSQL, beside the raw insert rate.

It makes a realistic day (created, route assigned, out for delivery, delivered or a failed
attempt, for 25,000 deliveries; some webhooks sent twice; some late, so they arrive after newer
ones) and feeds it to ingest_events in batches. Then, in the same run, it inserts the same rows
(the columns ingest_events logged, the same delivery ids, the payloads serialized before the
clock starts) in batches of the same size into a table defined like the event log (its keys and
foreign key; ON CONFLICT DO NOTHING), the fastest of three plain INSERT forms being the raw
rate, and, for reference, into a heap with no keys at all. docs/ingest.md has the figures.
Goal: >= 5,000 events/s and >= 0.3x the raw rate.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import UTC, datetime, timedelta

import typer

GOAL_EVENTS_PER_SECOND = 5_000
GOAL_RATIO = 0.3


def main(
    database_url: str | None = typer.Option(
        None, "--database-url", help="PostgreSQL server (default: DATABASE_URL)."
    ),
    events: int = typer.Option(100_000, help="Canonical events to ingest."),
    deliveries: int = typer.Option(25_000, help="Deliveries they are about."),
    batch: int = typer.Option(1_000, help="Events per ingest_events call (and per raw batch)."),
    scratch: str = typer.Option(
        "doorstep_bench",
        help="Scratch database created, migrated and dropped on that server ('' to use the "
        "database in the URL as it is: it must be migrated and will get the events).",
    ),
    seed: int = typer.Option(7, help="Random seed for the generated day."),
) -> None:
    """Measure canonical events/s through ingest_events and the raw INSERT rate, same rows."""
    url = database_url or os.environ.get("DATABASE_URL")
    if not url or not url.split(":", 1)[0].startswith("postgres"):
        typer.echo("bench ingest needs PostgreSQL: pass --database-url or set DATABASE_URL")
        raise typer.Exit(2)
    asyncio.run(_bench(url, events, deliveries, batch, scratch, seed))


async def _bench(url: str, n_events: int, n_deliveries: int, batch: int, scratch: str, seed: int):  # noqa: ANN202
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from bot.runtime import settle_gc
    from bot.settings import Settings
    from data.db import create_engine, create_sessionmaker
    from data.ingest.apply import ingest_events
    from data.migrate import upgrade

    base = Settings(_env_file=None, database_url=url)
    admin_url = make_url(base.database_url)
    bench_url = admin_url.set(database=scratch) if scratch else admin_url

    async def admin(sql: str) -> None:
        engine = create_engine(
            Settings(_env_file=None, database_url=admin_url.render_as_string(False))
        )
        try:
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(sa.text(sql))
        finally:
            await engine.dispose()

    if scratch:
        await admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin(f'CREATE DATABASE "{scratch}"')
    settings = Settings(_env_file=None, database_url=bench_url.render_as_string(False))
    await asyncio.to_thread(upgrade, settings)

    day = generate_day(n_events, n_deliveries, seed)
    duplicates = n_events - len({e.event_id for e in day})
    print(
        f"generated {len(day):,} canonical events for {n_deliveries:,} deliveries "
        f"({duplicates:,} sent twice, {late_share(day):.1%} arriving after a newer one)"
    )

    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    try:
        # The generated input (100,000 events, later their raw rows) stays in memory for the
        # whole run; move it out of the collector's way so that neither side's timing pays for
        # scanning it in full collections (a server does not hold a day of events). Both sides
        # run with the collector set as `doorstep serve` and `doorstep import` set it.
        settle_gc()

        # Through ingest_events: dedupe, deliveries, state machine, replays, outbox.
        applied = dup = rejected = replayed = 0
        started = time.perf_counter()
        for start in range(0, len(day), batch):
            result = await ingest_events(sessions, day[start : start + batch], source="bench")
            applied += result.applied
            dup += result.duplicates
            rejected += len(result.rejected)
            replayed += result.deliveries_replayed
        ingest_seconds = time.perf_counter() - started

        async with engine.connect() as conn:
            statuses = dict(
                (
                    await conn.execute(
                        sa.text("SELECT status, count(*) FROM deliveries GROUP BY status")
                    )
                ).all()
            )
            logged = await conn.scalar(sa.text("SELECT count(*) FROM delivery_events"))
            delivery_ids = dict(
                (await conn.execute(sa.text("SELECT tracking_number, id FROM deliveries"))).all()
            )

        raw_rows = _raw_rows(day, delivery_ids)
        settle_gc()
        keyed = await _raw_insert(engine, raw_rows, batch, keyed=True)
        heap = await _raw_insert(engine, raw_rows, batch, keyed=False)
    finally:
        await engine.dispose()
        if scratch:
            await admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    ingest_rate = len(day) / ingest_seconds
    print(f"ingest_events: {len(day):,} events in {ingest_seconds:.2f} s = ", end="")
    print(f"{ingest_rate:,.0f} events/s")
    print(f"  applied {applied:,}, duplicates {dup:,}, rejected {rejected:,}, ", end="")
    print(f"late replays {replayed:,}")
    print(f"  logged {logged:,} events; deliveries by status: {statuses}")
    raw_rate = _report_raw("raw INSERT into the event log's table", keyed, len(raw_rows))
    heap_rate = _report_raw("for reference, into a heap (no keys)", heap, len(raw_rows))
    ratio = ingest_rate / raw_rate
    print(f"ratio: {ratio:.2f}x raw (batch {batch}); {ingest_rate / heap_rate:.2f}x the heap")
    ok = ingest_rate >= GOAL_EVENTS_PER_SECOND and ratio >= GOAL_RATIO
    print(
        f"goal >= {GOAL_EVENTS_PER_SECOND:,} events/s and >= {GOAL_RATIO}x raw: "
        + ("met" if ok else "NOT met")
    )


def _raw_rows(day, delivery_ids: dict[str, int]) -> list[dict]:  # noqa: ANN001
    """The rows ingest_events logged for the day's events, as plain values: the same columns,
    the same deliveries, the payload serialized before the clock starts."""
    from data.ingest.changes import changes_of, stored_payload_json

    now = datetime.now(UTC)
    return [
        {
            "delivery_id": delivery_ids[e.tracking_number],
            "source": "bench",
            "source_event_id": e.event_id,
            "type": str(e.type),
            "occurred_at": e.occurred_at,
            "received_at": now,
            "reason_code": str(e.reason_code) if e.reason_code else None,
            "from_status": "created",
            "to_status": str(e.type),
            "applied": True,
            "rejected_reason": None,
            "payload": stored_payload_json(e, changes_of(e)),
        }
        for e in day
    ]


RAW_TABLE = "bench_raw_delivery_events"


async def _raw_insert(engine, rows: list[dict], batch: int, *, keyed: bool) -> dict[str, float]:  # noqa: ANN001
    """Seconds to insert `rows` in batches with each plain INSERT form, into a fresh table.

    keyed: the event log's own table definition (`LIKE delivery_events INCLUDING ALL`: its
    primary key, the unique source event id, the index by delivery, and the foreign key to the
    deliveries), each form `ON CONFLICT (source, source_event_id) DO NOTHING` since the day
    holds webhooks sent twice. Not keyed: a heap with the same columns and nothing else."""
    import orjson
    import sqlalchemy as sa
    from sqlalchemy.dialects.postgresql import insert

    from data.ingest.sql import (
        SerializedJSON,
        as_columns,
        recordset_insert_sql,
        unnest_insert_sql,
    )
    from data.models import DeliveryEvent

    columns = [c.name for c in DeliveryEvent.__table__.columns if c.name != "id"]
    table = sa.Table(
        RAW_TABLE,
        sa.MetaData(),
        *[
            sa.Column(c.name, SerializedJSON() if c.name == "payload" else c.type)
            for c in DeliveryEvent.__table__.columns
        ],
    )
    tail = "ON CONFLICT (source, source_event_id) DO NOTHING" if keyed else ""
    statements = {
        "executemany": insert(table).on_conflict_do_nothing(
            index_elements=["source", "source_event_id"]
        )
        if keyed
        else sa.insert(table),
        "unnest": unnest_insert_sql(table, columns, tail),
        "json_to_recordset": recordset_insert_sql(table, columns, tail),
    }
    # The JSON form's one parameter, built like the other forms' arguments: outside the clock
    # only what the payload column already is (JSON text, embedded as it is).
    fragments = [dict(row, payload=orjson.Fragment(row["payload"])) for row in rows]
    create = (
        f"CREATE TABLE {RAW_TABLE} (LIKE delivery_events INCLUDING ALL); "
        f"ALTER TABLE {RAW_TABLE} ADD FOREIGN KEY (delivery_id) REFERENCES deliveries (id)"
        if keyed
        else f"CREATE TABLE {RAW_TABLE} (LIKE delivery_events); "
        f"ALTER TABLE {RAW_TABLE} ALTER COLUMN id DROP NOT NULL"
    )
    seconds: dict[str, float] = {}
    for form, statement in statements.items():
        async with engine.begin() as conn:
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {RAW_TABLE}")
            for sql in create.split("; "):
                await conn.exec_driver_sql(sql)
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            async with engine.begin() as conn:
                if form == "executemany":
                    await conn.execute(statement, rows[start : start + batch])
                elif form == "unnest":
                    await conn.exec_driver_sql(
                        statement, as_columns(rows[start : start + batch], columns)
                    )
                else:
                    text = orjson.dumps(fragments[start : start + batch]).decode()
                    await conn.exec_driver_sql(statement, (text,))
        seconds[form] = time.perf_counter() - started
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    return seconds


def _report_raw(title: str, seconds: dict[str, float], n_rows: int) -> float:
    """Print the forms' rates; the fastest is the baseline (the ratio never flatters ingest)."""
    best = min(seconds, key=seconds.get)
    rate = n_rows / seconds[best]
    print(f"{title}: {n_rows:,} rows in {seconds[best]:.2f} s = {rate:,.0f} rows/s")
    forms = ", ".join(f"{form} {n_rows / sec:,.0f} rows/s" for form, sec in seconds.items())
    print(f"  ({forms}; the baseline is {best})")
    return rate


def generate_day(n_events: int, n_deliveries: int, seed: int):  # noqa: ANN201
    """A day of canonical events in arrival order: mostly in order, some late, some twice."""
    from data.ingest.events import CanonicalEvent

    rng = random.Random(seed)
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    reasons = [
        "recipient_unavailable",
        "no_access",
        "business_closed",
        "address_incorrect_or_incomplete",
    ]
    timeline: list[tuple[datetime, dict]] = []
    per_delivery = max(1, round(n_events * 0.98 / n_deliveries))
    for i in range(n_deliveries):
        number = f"DS{10_000_000 + i:08d}"
        route = f"R-{i % 250:03d}"
        t = start + timedelta(minutes=rng.uniform(0, 120))
        steps = [
            (
                "created",
                {
                    "delivery": {
                        "recipient_name": f"Customer {i}",
                        "phone": f"+1201555{i % 10_000:04d}",
                    }
                },
            )
        ]
        steps.append(
            (
                "route_assigned",
                {
                    "route": {
                        "external_id": route,
                        "sequence": i // 250,
                        "driver": {"external_id": f"drv-{i % 250}"},
                    }
                },
            )
        )
        steps.append(("out_for_delivery", {}))
        if rng.random() < 0.85:
            steps.append(("delivered", {"pod": {"photo_urls": [f"https://pod.example/{i}.jpg"]}}))
        else:
            steps.append(("failed_attempt", {"reason_code": rng.choice(reasons)}))
        for k, (kind, fields) in enumerate(steps[:per_delivery]):
            t += timedelta(minutes=rng.uniform(20, 180))
            arrival = t + (
                timedelta(minutes=rng.uniform(5, 90)) if rng.random() < 0.05 else timedelta()
            )
            timeline.append(
                (
                    arrival,
                    {
                        "event_id": f"{number}-{k}",
                        "type": kind,
                        "occurred_at": t,
                        "tracking_number": number,
                        **fields,
                    },
                )
            )
    timeline.sort(key=lambda pair: pair[0])
    unique = n_events - n_events // 50  # 2% of the webhooks arrive twice
    events = [CanonicalEvent.model_validate(body) for _, body in timeline][:unique]
    while len(events) < n_events:  # webhooks sent twice, a little later
        index = rng.randrange(len(events))
        events.insert(min(len(events), index + rng.randrange(1, 500)), events[index])
    return events


def late_share(events) -> float:  # noqa: ANN001
    newest: dict[str, datetime] = {}
    late = 0
    for e in events:
        seen = newest.get(e.tracking_number)
        if seen is not None and e.occurred_at < seen:
            late += 1
        if seen is None or e.occurred_at > seen:
            newest[e.tracking_number] = e.occurred_at
    return late / len(events)
