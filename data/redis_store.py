"""The Redis side: one owner of the connection for idempotency keys, sessions, locks, streams."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis

from bot.settings import Settings

EVENT_STREAM = "doorstep:events"


class LockNotAcquired(Exception):
    """Another process holds the lock."""


_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class RedisStore:
    """Idempotency keys, conversation sessions with a TTL, locks and the event stream."""

    def __init__(self, client: aioredis.Redis, *, prefix: str = "doorstep:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisStore:
        """A real Redis when REDIS_URL is set; otherwise an in-process one (fakeredis)."""
        if settings.redis_url:
            client = aioredis.from_url(settings.redis_url, decode_responses=True)
        else:
            from fakeredis import FakeAsyncRedis

            client = FakeAsyncRedis(decode_responses=True)
        return cls(client)

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def ping(self) -> bool:
        return bool(await self.client.ping())

    async def close(self) -> None:
        await self.client.aclose()

    # --- idempotency ------------------------------------------------------------------------
    async def claim(self, namespace: str, key: str, *, ttl_seconds: int = 7 * 24 * 3600) -> bool:
        """True the first time (namespace, key) is seen within the TTL, False on a repeat."""
        return bool(
            await self.client.set(self.key("idem", namespace, key), "1", nx=True, ex=ttl_seconds)
        )

    async def release_claim(self, namespace: str, key: str) -> None:
        """Forget a claim (the work it guarded failed and may be retried)."""
        await self.client.delete(self.key("idem", namespace, key))

    # --- sessions ---------------------------------------------------------------------------
    async def get_session(self, name: str) -> dict[str, Any] | None:
        raw = await self.client.get(self.key("session", name))
        return json.loads(raw) if raw else None

    async def set_session(self, name: str, state: dict[str, Any], *, ttl_seconds: int) -> None:
        await self.client.set(
            self.key("session", name), json.dumps(state, default=str), ex=ttl_seconds
        )

    async def delete_session(self, name: str) -> None:
        await self.client.delete(self.key("session", name))

    # --- counters (rate limits, verification lockouts) -----------------------------------------
    async def incr(self, name: str, *, ttl_seconds: int) -> int:
        key = self.key("count", name)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, ttl_seconds, nx=True)
            value, _ = await pipe.execute()
        return int(value)

    async def get_count(self, name: str) -> int:
        return int(await self.client.get(self.key("count", name)) or 0)

    async def reset_count(self, name: str) -> None:
        await self.client.delete(self.key("count", name))

    # --- locks ------------------------------------------------------------------------------
    @asynccontextmanager
    async def lock(self, name: str, *, ttl_seconds: int = 30) -> AsyncIterator[str]:
        """Hold `name` exclusively or raise LockNotAcquired; released only by its owner."""
        token = secrets.token_hex(16)
        key = self.key("lock", name)
        if not await self.client.set(key, token, nx=True, ex=ttl_seconds):
            raise LockNotAcquired(name)
        try:
            yield token
        finally:
            await self.client.eval(_RELEASE_SCRIPT, 1, key, token)

    async def try_acquire(self, name: str, token: str, *, ttl_seconds: int) -> bool:
        """Take or extend a long-lived lock held by `token` (e.g. the one scheduler)."""
        key = self.key("lock", name)
        if await self.client.set(key, token, nx=True, ex=ttl_seconds):
            return True
        if await self.client.get(key) == token:
            await self.client.expire(key, ttl_seconds)
            return True
        return False

    async def release(self, name: str, token: str) -> None:
        await self.client.eval(_RELEASE_SCRIPT, 1, self.key("lock", name), token)
