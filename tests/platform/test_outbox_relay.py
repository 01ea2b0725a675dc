"""The outbox relay: events committed while Redis is down wait in the store and reach the
stream exactly once, in order, when Redis is back."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.models import OutboxEvent
from data.outbox import (
    RedisUnavailable,
    RelayedEvent,
    add_event,
    outbox_backlog,
    relay_forever,
    relay_once,
)
from data.redis_store import EVENT_STREAM, RedisStore


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def redis_down() -> AsyncIterator[RedisStore]:
    """A RedisStore whose server is unreachable, as during an outage."""
    client = aioredis.from_url(
        f"redis://127.0.0.1:{closed_port()}", decode_responses=True, socket_connect_timeout=1
    )
    store = RedisStore(client)
    yield store
    await store.close()


async def record_status_changes(
    sessions: async_sessionmaker[AsyncSession], tracking_numbers: list[str]
) -> None:
    """One transaction per change, each staging its event (as an action would)."""
    for n, tracking in enumerate(tracking_numbers):
        async with transaction(sessions) as session:
            add_event(
                session,
                "delivery.status_changed",
                {"tracking_number": tracking, "to_status": "out_for_delivery", "seq": n},
                key=tracking,
            )


async def stream_events(redis: RedisStore) -> list[RelayedEvent]:
    entries = await redis.client.xrange(EVENT_STREAM)
    return [RelayedEvent.from_fields(fields) for _, fields in entries]


@pytest.mark.redis
async def test_events_written_during_a_redis_outage_arrive_once_in_order_after_it(
    sessions: async_sessionmaker[AsyncSession], redis_down: RedisStore, real_redis: RedisStore
) -> None:
    tracking = [f"DS{n:08d}" for n in range(1, 41)]
    await record_status_changes(sessions, tracking[:25])

    # Redis is down: the relay keeps every event and counts the attempt.
    with pytest.raises(RedisUnavailable):
        await relay_once(sessions, redis_down, batch=10)
    await record_status_changes(sessions, tracking[25:])  # business goes on
    with pytest.raises(RedisUnavailable):
        await relay_once(sessions, redis_down, batch=10)
    waiting, _ = await outbox_backlog(sessions)
    assert waiting == 40
    async with sessions() as session:
        attempts = (await session.scalars(select(OutboxEvent.attempts).order_by("id"))).all()
    assert attempts[:10] == [2] * 10 and attempts[10:] == [0] * 30

    # Redis is back: passes of 15 drain the outbox; later passes find nothing more to send.
    sent = [await relay_once(sessions, real_redis, batch=15) for _ in range(4)]
    assert sent == [15, 15, 10, 0]
    assert await outbox_backlog(sessions) == (0, 0.0)

    arrived = await stream_events(real_redis)
    assert [e.payload["tracking_number"] for e in arrived] == tracking
    assert [e.outbox_id for e in arrived] == sorted({e.outbox_id for e in arrived})
    assert arrived[0].topic == "delivery.status_changed"
    assert arrived[0].key == "DS00000001"


@pytest.mark.redis
async def test_the_relay_loop_backs_off_during_the_outage_and_catches_up(
    sessions: async_sessionmaker[AsyncSession], redis_down: RedisStore, real_redis: RedisStore
) -> None:
    await record_status_changes(sessions, [f"DS{n:08d}" for n in range(1, 8)])
    store = RedisStore(redis_down.client)  # the loop's connection points at the dead server
    stop = asyncio.Event()
    passes: list[tuple[int, str | None]] = []

    def on_pass(relayed: int, error: Exception | None) -> None:
        passes.append((relayed, type(error).__name__ if error else None))
        failures = [p for p in passes if p[1]]
        if len(failures) == 2 and store.client is redis_down.client:
            store.client = real_redis.client  # Redis comes back
        if sum(n for n, _ in passes) == 7:
            stop.set()

    await asyncio.wait_for(
        relay_forever(
            sessions,
            store,
            stop=stop,
            idle_seconds=0.01,
            max_backoff_seconds=0.05,
            on_pass=on_pass,
        ),
        timeout=60,
    )
    assert passes[:2] == [(0, "RedisUnavailable"), (0, "RedisUnavailable")]
    assert sum(n for n, _ in passes) == 7
    assert len(await stream_events(real_redis)) == 7


@pytest.mark.postgres
@pytest.mark.redis
async def test_two_relays_at_once_on_postgresql_never_publish_an_event_twice(
    postgres_settings, real_redis: RedisStore
) -> None:
    from data.db import create_engine, create_sessionmaker

    engines = [create_engine(postgres_settings) for _ in range(2)]
    relay_a, relay_b = (create_sessionmaker(engine) for engine in engines)
    try:
        async with transaction(relay_a) as session:
            for n in range(600):
                add_event(session, "delivery.created", {"seq": n}, key=str(n))
        rounds = 0
        while (await outbox_backlog(relay_a))[0] > 0:
            await asyncio.gather(
                relay_once(relay_a, real_redis, batch=40),
                relay_once(relay_b, real_redis, batch=40),
            )
            rounds += 1
            assert rounds < 100
    finally:
        for engine in engines:
            await engine.dispose()

    arrived = await stream_events(real_redis)
    assert [e.payload["seq"] for e in arrived] == list(range(600))
