"""The Redis side: one owner of the connection for idempotency keys, sessions, locks, streams."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError, WatchError

from bot.settings import Settings

EVENT_STREAM = "doorstep:events"
# Approximate cap on the stream (XADD MAXLEN ~): weeks of a 1,000-a-day operation's events.
# Trimming drops the oldest entries even if a lagging group has not read them; the outbox
# table stays the record, so a consumer that falls this far behind re-reads from the database.
STREAM_MAXLEN = 100_000


class LockNotAcquired(Exception):
    """Another process holds the lock."""


@dataclass(frozen=True, slots=True)
class StreamEntry:
    """One entry read from a stream: its id and its fields (strings)."""

    stream: str
    id: str
    fields: dict[str, str]


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
            await self._if_owner(key, token, ttl_seconds=None)

    async def try_acquire(self, name: str, token: str, *, ttl_seconds: int) -> bool:
        """Take or extend a long-lived lock held by `token` (e.g. the one scheduler)."""
        key = self.key("lock", name)
        if await self.client.set(key, token, nx=True, ex=ttl_seconds):
            return True
        # Extend only if still ours, atomically (a get-then-expire could extend a successor's).
        return await self._if_owner(key, token, ttl_seconds=ttl_seconds)

    async def release(self, name: str, token: str) -> None:
        await self._if_owner(self.key("lock", name), token, ttl_seconds=None)

    async def _if_owner(self, key: str, token: str, *, ttl_seconds: int | None) -> bool:
        """Extend (ttl_seconds) or delete (None) the lock only while `token` holds it.

        Compare-and-set by WATCH/MULTI rather than a Lua script, so the in-process Redis
        (fakeredis without Lua) behaves like the real one.
        """
        async with self.client.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(key)
                if await pipe.get(key) != token:
                    return False
                pipe.multi()
                if ttl_seconds is None:
                    pipe.delete(key)
                else:
                    pipe.expire(key, ttl_seconds)
                await pipe.execute()
            except WatchError:  # changed under us: someone else holds it now
                return False
        return True

    # --- event stream (Redis Streams with consumer groups) --------------------------------------
    async def publish(
        self,
        fields: Mapping[str, str],
        *,
        stream: str = EVENT_STREAM,
        maxlen: int = STREAM_MAXLEN,
    ) -> str:
        """Append one entry (XADD, MAXLEN ~); returns its stream id."""
        return await self.client.xadd(stream, dict(fields), maxlen=maxlen, approximate=True)

    async def publish_many(
        self,
        entries: Sequence[Mapping[str, str]],
        *,
        stream: str = EVENT_STREAM,
        maxlen: int = STREAM_MAXLEN,
    ) -> list[str]:
        """Append entries in order in one round trip, all or none (MULTI/EXEC); their ids."""
        if not entries:
            return []
        async with self.client.pipeline(transaction=True) as pipe:
            for fields in entries:
                pipe.xadd(stream, dict(fields), maxlen=maxlen, approximate=True)
            return list(await pipe.execute())

    async def ensure_group(
        self, group: str, *, stream: str = EVENT_STREAM, start_id: str = "0"
    ) -> bool:
        """Create the consumer group (and the stream) if missing; True if it was created.

        start_id "0" lets a new group read everything still in the stream; "$" only what
        arrives after it was created.
        """
        try:
            await self.client.xgroup_create(stream, group, id=start_id, mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" in str(exc):
                return False
            raise
        return True

    async def read_group(
        self,
        group: str,
        consumer: str,
        *,
        stream: str = EVENT_STREAM,
        count: int = 100,
        block_ms: int | None = None,
    ) -> list[StreamEntry]:
        """New entries for `consumer` (XREADGROUP >); each stays pending until acked."""
        reply = await self.client.xreadgroup(
            group, consumer, {stream: ">"}, count=count, block=block_ms
        )
        return _entries(reply)

    async def ack(self, group: str, *ids: str, stream: str = EVENT_STREAM) -> int:
        """Mark entries done for the group (XACK); how many were pending."""
        if not ids:
            return 0
        return int(await self.client.xack(stream, group, *ids))

    async def claim_stale(
        self,
        group: str,
        consumer: str,
        *,
        min_idle_ms: int,
        stream: str = EVENT_STREAM,
        count: int = 100,
    ) -> list[StreamEntry]:
        """Take over entries pending longer than `min_idle_ms` (a consumer died: XAUTOCLAIM)."""
        claimed: list[StreamEntry] = []
        start = "0-0"
        while len(claimed) < count:
            reply = await self.client.xautoclaim(
                stream,
                group,
                consumer,
                min_idle_time=min_idle_ms,
                start_id=start,
                count=count - len(claimed),
            )
            start, messages = reply[0], reply[1]
            claimed.extend(
                StreamEntry(stream, _text(entry_id), _fields(fields))
                for entry_id, fields in messages
                if fields is not None  # trimmed away while pending (Redis 6.2)
            )
            if _text(start) == "0-0":
                break
        return claimed

    async def pending_count(self, group: str, *, stream: str = EVENT_STREAM) -> int:
        """Entries delivered to the group's consumers and not yet acked."""
        summary = await self.client.xpending(stream, group)
        return int(summary["pending"])

    async def stream_length(self, stream: str = EVENT_STREAM) -> int:
        return int(await self.client.xlen(stream))


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _fields(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _entries(reply: Any) -> list[StreamEntry]:
    """XREADGROUP replies: RESP2 [[stream, [(id, fields)]]] or RESP3 {stream: [[…]]}."""
    if not reply:
        return []
    if isinstance(reply, dict):
        pairs = [(stream, batch) for stream, batches in reply.items() for batch in batches]
    else:
        pairs = [(stream, batch) for stream, batch in reply]
    return [
        StreamEntry(_text(stream), _text(entry_id), _fields(fields))
        for stream, batch in pairs
        for entry_id, fields in batch
        if fields is not None
    ]
