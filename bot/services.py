"""The long-lived objects one process needs, built once and passed where they are needed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from data.db import create_engine, create_sessionmaker
from data.redis_store import RedisStore
from nlu.client import NluClient


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: RedisStore
    nlu: NluClient

    @classmethod
    def build(cls, settings: Settings) -> Services:
        engine = create_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_sessionmaker(engine),
            redis=RedisStore.from_settings(settings),
            nlu=NluClient(settings),
        )

    async def aclose(self) -> None:
        await self.nlu.aclose()
        await self.redis.close()
        await self.engine.dispose()
