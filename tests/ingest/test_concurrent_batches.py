"""Two batches about the same new delivery at the same time (PostgreSQL): the second one
waits for the first, then folds its events on what the first one stored. Nothing is lost or
doubled, whichever batch created the delivery."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from ingest_helpers import created, event

from data.db import create_engine, create_sessionmaker
from data.ingest.apply import apply_events, ingest_events
from data.models import Delivery, DeliveryEvent, OutboxEvent
from data.types import DeliveryStatus

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_sessions(postgres_settings):  # noqa: ANN001, ANN201
    engine = create_engine(postgres_settings)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def _held_open_then(sessions, first, second):  # noqa: ANN001, ANN202
    """Apply `first` in a transaction left open, start ingesting `second` (it blocks on the
    new delivery's key), then commit the first: the second's result."""
    # The carrier exists already, so the only row the two batches contend for is the delivery.
    await ingest_events(
        sessions, [event("other", "created", 0, tracking_number="DS20461188")], source="dms"
    )
    async with sessions() as session, session.begin():
        await apply_events(session, first, source="dms")
        racing = asyncio.create_task(ingest_events(sessions, second, source="dms"))
        await _until_waiting_on_a_lock(sessions)
        assert not racing.done()
    return await asyncio.wait_for(racing, timeout=30)


async def _until_waiting_on_a_lock(sessions) -> None:  # noqa: ANN001
    """Until another backend of this database waits on a lock (the racing batch's insert
    waiting for the first batch's uncommitted delivery)."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    for _ in range(600):
        async with sessions() as session:
            if await session.scalar(query):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the second batch never waited on the first one's delivery")


async def test_a_late_created_event_racing_the_first_batch_is_folded_on_the_stored_delivery(
    pg_sessions,
) -> None:
    first = [created("c1", 0)]
    second = [event("r1", "route_assigned", 10, route={"external_id": "R-7", "sequence": 3})]
    second.append(event("o1", "out_for_delivery", 20))
    result = await _held_open_then(pg_sessions, first, second)

    assert (result.applied, result.duplicates, result.deliveries_created) == (2, 0, 0)
    async with pg_sessions() as session:
        [delivery] = (
            await session.scalars(
                sa.select(Delivery).where(Delivery.tracking_number == "DS20461187")
            )
        ).all()
        assert delivery.status is DeliveryStatus.OUT_FOR_DELIVERY
        assert delivery.recipient_name == "Dana Whitfield"  # from the first batch
        assert delivery.route_id is not None  # from the second
        logged = (await session.scalars(sa.select(DeliveryEvent.source_event_id))).all()
        assert sorted(logged) == ["c1", "o1", "other", "r1"]
        topics = (await session.scalars(sa.select(OutboxEvent.topic))).all()
        assert topics.count("delivery.status_changed") == 2  # scheduled, out for delivery


async def test_the_same_webhook_in_both_racing_batches_is_applied_once(pg_sessions) -> None:
    result = await _held_open_then(
        pg_sessions, [created("c1", 0)], [created("c1", 0), event("o1", "out_for_delivery", 20)]
    )

    assert (result.applied, result.duplicates) == (1, 1)
    assert result.duplicate_ids == ["c1"]
    async with pg_sessions() as session:
        assert await session.scalar(sa.select(sa.func.count(DeliveryEvent.id))) == 3
        delivery = await session.scalar(
            sa.select(Delivery).where(Delivery.tracking_number == "DS20461187")
        )
        assert delivery.status is DeliveryStatus.OUT_FOR_DELIVERY
