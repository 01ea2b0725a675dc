"""Shared fixtures: a migrated store on SQLite and PostgreSQL, fake and real Redis, services.

PostgreSQL and Redis come from DOORSTEP_TEST_POSTGRES_URL / DOORSTEP_TEST_REDIS_URL (defaults:
the local servers on 127.0.0.1). Where they are unreachable the tests that need them skip with
the reason, unless DOORSTEP_REQUIRE_SERVICES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import base_settings

from bot.services import Services
from bot.settings import Settings
from data.db import create_engine, create_sessionmaker
from data.migrate import upgrade
from data.models import Base
from data.redis_store import RedisStore

POSTGRES_URL = os.environ.get(
    "DOORSTEP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("DOORSTEP_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REQUIRE_SERVICES = os.environ.get("DOORSTEP_REQUIRE_SERVICES") == "1"


def _unavailable(what: str, why: Exception | str) -> None:
    message = f"{what} unavailable: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (DOORSTEP_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per worker; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(base_settings(database_url=f"sqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    path = tmp_path / "doorstep.db"
    shutil.copy(sqlite_template, path)
    return base_settings(database_url=f"sqlite:///{path}")


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated database for this worker on the test PostgreSQL server."""
    import asyncio

    from sqlalchemy.engine import make_url

    admin_url = make_url(POSTGRES_URL)
    name = f"doorstep_test_{worker_id(request)}_{os.getpid()}"

    async def _admin(sql: str) -> None:
        engine = create_engine(base_settings(database_url=admin_url.render_as_string(False)))
        try:
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(sa.text(sql))
        finally:
            await engine.dispose()

    try:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "unavailable"
        _unavailable(f"PostgreSQL at {admin_url.render_as_string(True)}", exc)
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade(base_settings(database_url=url))
    yield url
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_settings(postgres_database: str) -> Settings:
    """Settings on the worker's PostgreSQL database, emptied before the test."""
    import asyncio

    settings = base_settings(database_url=postgres_database)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)

    async def _truncate() -> None:
        engine = create_engine(settings)
        async with engine.begin() as conn:
            await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(_truncate())
    return settings


# --- either backend -------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest) -> Settings:
    """A migrated, empty store; the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_settings")
    return request.getfixturevalue("postgres_settings")


@pytest.fixture
async def sessions(db_settings: Settings):  # noqa: ANN201
    engine = create_engine(db_settings)
    yield create_sessionmaker(engine)
    await engine.dispose()


# --- Redis ----------------------------------------------------------------------------------


@pytest.fixture
async def fake_redis() -> AsyncIterator[RedisStore]:
    store = RedisStore.from_settings(base_settings(redis_url=None))
    yield store
    await store.close()


@pytest.fixture
async def real_redis(request: pytest.FixtureRequest) -> AsyncIterator[RedisStore]:
    """The real Redis server, on a database number of this worker's own, flushed first."""
    import redis.asyncio as aioredis

    wid = worker_id(request)
    db = 1 + (int(wid[2:]) % 15 if wid.startswith("gw") else 0)
    client = aioredis.from_url(f"{REDIS_URL}/{db}", decode_responses=True)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        await client.aclose()
        _unavailable(f"Redis at {REDIS_URL}", exc)
    await client.flushdb()
    store = RedisStore(client)
    yield store
    await client.flushdb()
    await store.close()


@pytest.fixture
async def services(sqlite_settings: Settings) -> AsyncIterator[Services]:
    """Services on SQLite and an in-process Redis (the embedded default)."""
    built = Services.build(sqlite_settings)
    yield built
    await built.aclose()


# --- Rasa (NLU) -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def rasa_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Rasa server with the current model: DOORSTEP_TEST_RASA_URL if one answers there, else
    one trained if needed and started for the session (one per xdist worker, on a free port).
    Skips when .venv-rasa is missing, unless DOORSTEP_REQUIRE_SERVICES=1."""
    import fcntl

    from nlu.server import RASA_VENV, RasaSetupError, server_ready, start_server, train

    settings = base_settings()
    if os.environ.get("DOORSTEP_TEST_RASA_URL") and server_ready(
        settings.rasa_url, settings.rasa_token
    ):
        yield settings.rasa_url
        return
    if not (RASA_VENV / "bin" / "rasa").exists():
        _unavailable("Rasa", f"{RASA_VENV} missing (run scripts/setup_rasa_venv.sh)")
    shared = tmp_path_factory.getbasetemp().parent
    try:
        with (shared / "rasa-train.lock").open("w") as lock:  # workers train once, not twice
            fcntl.flock(lock, fcntl.LOCK_EX)
            train()
        server = start_server(settings, log_path=shared / f"rasa-{os.getpid()}.log", timeout=300)
    except RasaSetupError as exc:
        _unavailable("Rasa", exc)
    yield server.url
    server.stop()


@pytest.fixture
def rasa_settings(sqlite_settings: Settings, rasa_url: str) -> Settings:
    """The SQLite settings, pointing at the session's Rasa server (with a patient timeout)."""
    return sqlite_settings.model_copy(update={"rasa_url": rasa_url, "rasa_timeout_seconds": 5.0})
