"""The database engine and sessions: one factory, passed where it is needed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.settings import Settings


def create_engine(settings: Settings) -> AsyncEngine:
    """An asyncio engine for DATABASE_URL (aiosqlite or asyncpg)."""
    url = settings.database_url
    if settings.is_sqlite:
        db_path = url.split(":///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.database_echo, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # No pre-ping: it costs a round trip per checkout on the webhook's hot path. Connections
    # are recycled instead, and one broken by a server restart fails that unit of work only.
    # JSON columns are read with orjson: the ingest reads a batch's deliveries (their photo
    # lists, windows) and replayed logs, thousands of JSON values per batch.
    return create_async_engine(
        url,
        echo=settings.database_echo,
        pool_size=10,
        max_overflow=20,
        pool_recycle=1800,
        json_deserializer=orjson.loads,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with sessions() as session, session.begin():
        yield session
