"""Idempotency keys, conversation sessions, counters and locks behave the same on the real
Redis and on the in-process one the single-process default runs on."""

from __future__ import annotations

import pytest

from data.redis_store import LockNotAcquired, RedisStore


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.redis)])
def redis(request: pytest.FixtureRequest) -> RedisStore:
    return request.getfixturevalue("fake_redis" if request.param == "fake" else "real_redis")


async def test_a_repeated_twilio_message_sid_is_claimed_only_once(redis: RedisStore) -> None:
    assert await redis.claim("twilio", "SM123") is True
    assert await redis.claim("twilio", "SM123") is False
    assert await redis.claim("slack", "SM123") is True  # namespaces are apart
    await redis.release_claim("twilio", "SM123")  # the work failed: a retry may run it
    assert await redis.claim("twilio", "SM123") is True
    assert 0 < await redis.client.ttl(redis.key("idem", "twilio", "SM123")) <= 7 * 24 * 3600


async def test_a_conversation_session_expires_with_its_ttl(redis: RedisStore) -> None:
    assert await redis.get_session("+12015550123") is None
    await redis.set_session("+12015550123", {"state": "awaiting_day"}, ttl_seconds=600)
    assert await redis.get_session("+12015550123") == {"state": "awaiting_day"}
    assert 0 < await redis.client.ttl(redis.key("session", "+12015550123")) <= 600
    await redis.delete_session("+12015550123")
    assert await redis.get_session("+12015550123") is None


async def test_verification_failures_are_counted_within_a_window(redis: RedisStore) -> None:
    assert [await redis.incr("verify:+12015550123", ttl_seconds=1800) for _ in range(3)] == [
        1,
        2,
        3,
    ]
    assert await redis.get_count("verify:+12015550123") == 3
    await redis.reset_count("verify:+12015550123")
    assert await redis.get_count("verify:+12015550123") == 0


async def test_a_lock_is_held_by_one_and_released_only_by_its_owner(redis: RedisStore) -> None:
    async with redis.lock("rebook:DS00000001", ttl_seconds=30):
        with pytest.raises(LockNotAcquired):
            async with redis.lock("rebook:DS00000001"):
                pass
    async with redis.lock("rebook:DS00000001"):  # free again
        pass


async def test_only_one_scheduler_holds_the_scheduler_lock(redis: RedisStore) -> None:
    assert await redis.try_acquire("scheduler", "replica-a", ttl_seconds=30) is True
    assert await redis.try_acquire("scheduler", "replica-b", ttl_seconds=30) is False
    assert await redis.try_acquire("scheduler", "replica-a", ttl_seconds=30) is True  # renewal
    await redis.release("scheduler", "replica-b")  # not the owner: nothing happens
    assert await redis.try_acquire("scheduler", "replica-b", ttl_seconds=30) is False
    await redis.release("scheduler", "replica-a")
    assert await redis.try_acquire("scheduler", "replica-b", ttl_seconds=30) is True
