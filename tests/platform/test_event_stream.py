"""The event stream: workers in one consumer group share the events, and a dead worker's
events are taken over by another."""

from __future__ import annotations

import pytest

from data.redis_store import RedisStore


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.redis)])
def redis(request: pytest.FixtureRequest) -> RedisStore:
    """The test runs on the in-process Redis and on the real server."""
    return request.getfixturevalue("fake_redis" if request.param == "fake" else "real_redis")


async def test_each_event_goes_to_one_worker_of_the_group(redis: RedisStore) -> None:
    stream = redis.key("test", "events")
    assert await redis.ensure_group("alerts", stream=stream) is True
    assert await redis.ensure_group("alerts", stream=stream) is False  # already there
    ids = await redis.publish_many([{"n": str(n)} for n in range(6)], stream=stream)
    assert len(ids) == 6

    first = await redis.read_group("alerts", "worker-a", stream=stream, count=4)
    second = await redis.read_group("alerts", "worker-b", stream=stream, count=10)
    assert [e.fields["n"] for e in first] == ["0", "1", "2", "3"]
    assert [e.fields["n"] for e in second] == ["4", "5"]
    assert await redis.read_group("alerts", "worker-b", stream=stream) == []

    # Another group (say, the Slack notifier) sees every event on its own.
    await redis.ensure_group("slack", stream=stream)
    everything = await redis.read_group("slack", "notifier", stream=stream, count=100)
    assert [e.id for e in everything] == ids


async def test_a_dead_workers_events_are_reclaimed_and_acked_once(redis: RedisStore) -> None:
    stream = redis.key("test", "events")
    await redis.ensure_group("alerts", stream=stream)
    await redis.publish({"delivery": "DS00000001"}, stream=stream)
    await redis.publish({"delivery": "DS00000002"}, stream=stream)

    taken = await redis.read_group("alerts", "worker-that-dies", stream=stream)
    assert len(taken) == 2
    assert await redis.pending_count("alerts", stream=stream) == 2

    # Not idle long enough yet: nothing to take over.
    assert await redis.claim_stale("alerts", "rescuer", min_idle_ms=60_000, stream=stream) == []
    rescued = await redis.claim_stale("alerts", "rescuer", min_idle_ms=0, stream=stream)
    assert [e.fields["delivery"] for e in rescued] == ["DS00000001", "DS00000002"]

    assert await redis.ack("alerts", *[e.id for e in rescued], stream=stream) == 2
    assert await redis.ack("alerts", *[e.id for e in rescued], stream=stream) == 0
    assert await redis.pending_count("alerts", stream=stream) == 0
    assert await redis.claim_stale("alerts", "rescuer", min_idle_ms=0, stream=stream) == []


async def test_the_stream_is_capped_approximately(redis: RedisStore) -> None:
    stream = redis.key("test", "capped")
    for n in range(300):
        await redis.publish({"n": str(n)}, stream=stream, maxlen=100)
    length = await redis.stream_length(stream)
    assert 100 <= length < 300
