"""The worker: relays the outbox in the background, and of several replicas exactly one runs
the timed jobs; when it goes away another takes over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduling import registered_jobs, scheduled, unregister
from bot.services import Services
from bot.settings import Settings
from bot.worker import Worker, sync_database_url
from data.db import create_engine, create_sessionmaker, transaction
from data.outbox import add_event, outbox_backlog
from data.redis_store import RedisStore
from nlu.client import NluClient


async def eventually(condition: Callable[[], bool], *, within: float = 30.0) -> None:
    """Wait for `condition`; fail (not flake) only if it never happens."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - state owned by other tasks
            await asyncio.sleep(0.05)


def replica(settings: Settings, redis: RedisStore) -> Services:
    """One app replica's Services: its own engine, the shared Redis."""
    engine = create_engine(settings)
    return Services(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        redis=redis,
        nlu=NluClient(settings),
    )


def test_the_job_store_uses_a_blocking_driver_on_the_same_database() -> None:
    assert sync_database_url("sqlite+aiosqlite:////var/lib/doorstep.db") == (
        "sqlite:////var/lib/doorstep.db"
    )
    assert sync_database_url("postgresql+asyncpg://app:s3cret@db:5432/doorstep?ssl=require") == (
        "postgresql+psycopg://app:s3cret@db:5432/doorstep?sslmode=require"
    )
    with pytest.raises(ValueError, match="mysql"):
        sync_database_url("mysql+aiomysql://db/doorstep")


def test_a_job_needs_exactly_one_schedule() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        scheduled(every=timedelta(minutes=1), cron="* * * * *")
    with pytest.raises(ValueError, match="exactly one"):
        scheduled()


async def test_the_embedded_worker_relays_events_while_the_app_runs(
    sqlite_settings: Settings,
) -> None:
    from bot.app import create_app

    settings = sqlite_settings.model_copy(update={"run_worker_in_app": True})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        services: Services = app.state.services
        async with transaction(services.sessions) as session:
            for n in range(3):
                add_event(session, "delivery.delivered", {"tracking_number": f"DS0000000{n}"})
        stream_length = 0

        async def poll() -> None:
            nonlocal stream_length
            while stream_length < 3:
                stream_length = await services.redis.stream_length()
                await asyncio.sleep(0.05)

        await asyncio.wait_for(poll(), timeout=30)
        assert await outbox_backlog(services.sessions) == (0, 0.0)


@pytest.mark.redis
async def test_one_scheduler_runs_across_replicas_and_another_takes_over(
    sqlite_settings: Settings, real_redis: RedisStore
) -> None:
    ran_on: list[str] = []
    replicas = {
        "a": replica(sqlite_settings, real_redis),
        "b": replica(sqlite_settings, real_redis),
    }
    names = {id(services): name for name, services in replicas.items()}

    @scheduled(every=timedelta(seconds=0.2), job_id="test.driver_checkin_sweep")
    async def driver_checkin_sweep(services: Services) -> None:
        ran_on.append(names[id(services)])

    workers = {
        name: Worker(services, run_relay=False, lock_ttl_seconds=2, renew_every_seconds=0.2)
        for name, services in replicas.items()
    }
    try:
        assert "test.driver_checkin_sweep" in registered_jobs()
        await workers["a"].start()
        await eventually(lambda: workers["a"].is_leader)
        await workers["b"].start()
        await eventually(lambda: len(ran_on) >= 3)
        assert not workers["b"].is_leader
        assert set(ran_on) == {"a"}

        await workers["a"].stop()  # a deploy takes replica a away; it hands the lock back
        await eventually(lambda: workers["b"].is_leader)
        runs_before = len(ran_on)
        await eventually(lambda: ran_on[runs_before:].count("b") >= 2)
        assert set(ran_on[runs_before:]) == {"b"}
    finally:
        for worker in workers.values():
            await worker.stop()
        unregister("test.driver_checkin_sweep")
        for services in replicas.values():
            await services.engine.dispose()


@pytest.mark.redis
async def test_a_scheduler_that_loses_its_lock_stops_running_jobs(
    sqlite_settings: Settings, real_redis: RedisStore
) -> None:
    ran: list[int] = []

    @scheduled(every=timedelta(seconds=0.2), job_id="test.escalation_sweep")
    async def escalation_sweep(services: Services) -> None:
        ran.append(1)

    services = replica(sqlite_settings, real_redis)
    worker = Worker(services, run_relay=False, lock_ttl_seconds=2, renew_every_seconds=0.2)
    try:
        await worker.start()
        await eventually(lambda: len(ran) >= 1)
        # Someone else holds the lock now (ours expired while this replica was stalled).
        await real_redis.client.set(real_redis.key("lock", "scheduler"), "replica-z", ex=60)
        await eventually(lambda: not worker.is_leader)
        assert worker.scheduler is not None and worker.scheduler.state == 2  # paused
    finally:
        await worker.stop()
        unregister("test.escalation_sweep")
        await services.engine.dispose()


async def test_relayed_events_older_than_a_week_are_pruned(
    sessions: async_sessionmaker[AsyncSession], fake_redis: RedisStore
) -> None:
    from sqlalchemy import func, select, update

    from data.models import OutboxEvent
    from data.outbox import prune_relayed, relay_once
    from data.types import utcnow

    async with transaction(sessions) as session:
        for n in range(4):
            add_event(session, "delivery.created", {"seq": n})
    assert await relay_once(sessions, fake_redis, batch=2) == 2  # two relayed, two waiting
    async with transaction(sessions) as session:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.relayed_at.is_not(None))
            .values(relayed_at=utcnow() - timedelta(days=8))
        )
    assert await prune_relayed(sessions, older_than=timedelta(days=7)) == 2
    async with sessions() as session:
        left = await session.scalar(select(func.count(OutboxEvent.id)))
    assert left == 2  # unrelayed events are never pruned
