"""The transactional outbox: events are written with the change they describe.

`add_event` stages an event in the caller's transaction. The relay (`relay_once`, looped by
`relay_forever` in the worker) publishes committed events to the Redis stream in id order and
marks them relayed only after Redis accepted them, so an outage loses nothing: the events wait
in the table and go out on the first pass after Redis is back.

Delivery is at least once. If the process dies between Redis accepting a batch and the commit
that marks it relayed, the next pass publishes that batch again; every stream entry carries its
`outbox_id` so consumers drop repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from redis.exceptions import RedisError
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.models import OutboxEvent
from data.redis_store import EVENT_STREAM, RedisStore
from data.types import utcnow

log = structlog.get_logger(__name__)

# pg_advisory_xact_lock key held by the relay publishing a batch (any constant bigint).
_RELAY_LOCK_KEY = 0x0D005_7E9


class RedisUnavailable(Exception):
    """The relay could not publish; the events stay in the outbox for the next pass."""


def add_event(
    session: AsyncSession, topic: str, payload: dict[str, Any], *, key: str | None = None
) -> OutboxEvent:
    """Stage an event in the caller's transaction; the relay publishes it after commit."""
    event = OutboxEvent(topic=topic, key=key, payload=payload)
    session.add(event)
    return event


def stream_fields(event: OutboxEvent) -> dict[str, str]:
    """The stream entry for an outbox row: strings only, with the outbox id for dedupe."""
    return {
        "outbox_id": str(event.id),
        "topic": event.topic,
        "key": event.key or "",
        "payload": json.dumps(event.payload, default=str, separators=(",", ":")),
        "created_at": event.created_at.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class RelayedEvent:
    """An event as a stream consumer sees it."""

    outbox_id: int
    topic: str
    key: str | None
    payload: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> RelayedEvent:
        return cls(
            outbox_id=int(fields["outbox_id"]),
            topic=fields["topic"],
            key=fields.get("key") or None,
            payload=json.loads(fields["payload"]),
            created_at=datetime.fromisoformat(fields["created_at"]),
        )


async def relay_once(
    sessions: async_sessionmaker[AsyncSession],
    redis: RedisStore,
    *,
    batch: int = 500,
    stream: str = EVENT_STREAM,
) -> int:
    """Publish up to `batch` unrelayed events in id order; how many were published.

    Raises RedisUnavailable (after counting the attempt on each event) when Redis refuses;
    the events stay unrelayed for the next pass.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    failure: Exception | None = None
    async with sessions() as session, session.begin():
        dialect = session.bind.dialect.name
        if dialect == "sqlite":
            # Take SQLite's write lock first, so a second relay (another process on the same
            # file) waits here and then sees these events as relayed.
            await session.execute(
                update(OutboxEvent).where(OutboxEvent.id == -1).values(attempts=0)
            )
        if dialect == "postgresql":
            # One relay publishes at a time, so the stream keeps the outbox's order; the row
            # locks (FOR UPDATE SKIP LOCKED) make double publishing impossible even without it.
            got = await session.scalar(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _RELAY_LOCK_KEY}
            )
            if not got:
                return 0
        query = (
            select(OutboxEvent)
            .where(OutboxEvent.relayed_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(batch)
        )
        if dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        events = list((await session.scalars(query)).all())
        if not events:
            return 0
        ids = [event.id for event in events]
        try:
            await redis.publish_many([stream_fields(event) for event in events], stream=stream)
        except (RedisError, OSError) as exc:
            failure = exc
            await session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(ids))
                .values(attempts=OutboxEvent.attempts + 1)
            )
        else:
            await session.execute(
                update(OutboxEvent).where(OutboxEvent.id.in_(ids)).values(relayed_at=utcnow())
            )
    if failure is not None:
        raise RedisUnavailable(
            f"{len(ids)} outbox event(s) kept for the next pass: {failure}"
        ) from failure
    return len(ids)


async def outbox_backlog(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, float]:
    """(events waiting, age in seconds of the oldest waiting event)."""
    async with sessions() as session:
        count, oldest = (
            await session.execute(
                select(func.count(OutboxEvent.id), func.min(OutboxEvent.created_at)).where(
                    OutboxEvent.relayed_at.is_(None)
                )
            )
        ).one()
    if not count or oldest is None:
        return 0, 0.0
    if isinstance(oldest, str):  # SQLite's MIN() loses the column type
        oldest = datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(count), max(0.0, (utcnow() - oldest).total_seconds())


async def prune_relayed(
    sessions: async_sessionmaker[AsyncSession], *, older_than: timedelta
) -> int:
    """Delete events relayed longer ago than `older_than`; how many were deleted."""
    cutoff = utcnow() - older_than
    async with sessions() as session, session.begin():
        result = await session.execute(
            delete(OutboxEvent).where(
                OutboxEvent.relayed_at.is_not(None), OutboxEvent.relayed_at < cutoff
            )
        )
    return int(result.rowcount or 0)


async def relay_forever(
    sessions: async_sessionmaker[AsyncSession],
    redis: RedisStore,
    *,
    stop: asyncio.Event,
    batch: int = 500,
    idle_seconds: float = 0.5,
    max_backoff_seconds: float = 30.0,
    on_pass: Callable[[int, Exception | None], None] | None = None,
) -> None:
    """Relay until `stop` is set: straight on while there is a backlog, a short nap when
    idle, and exponential backoff (capped) while Redis or the database is down."""
    backoff = idle_seconds
    while not stop.is_set():
        error: Exception | None = None
        relayed = 0
        try:
            relayed = await relay_once(sessions, redis, batch=batch)
        except RedisUnavailable as exc:
            error = exc
            log.warning("outbox relay waiting for redis", error=str(exc), retry_in=backoff)
        except SQLAlchemyError as exc:
            error = exc
            log.warning("outbox relay waiting for the database", error=str(exc), retry_in=backoff)
        if on_pass is not None:
            on_pass(relayed, error)
        if error is not None:
            delay = backoff
            backoff = min(backoff * 2, max_backoff_seconds)
        else:
            backoff = idle_seconds
            if relayed == batch:
                continue  # more waiting: no nap
            delay = idle_seconds
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
