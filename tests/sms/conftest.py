"""The app with real flows, actions and store, and a scripted NLU; customers text it signed."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
from sms_helpers import Phone, ScriptedNlu

from bot.app import create_app
from bot.services import Services
from bot.settings import Settings


async def _build(settings: Settings, redis=None) -> Services:  # noqa: ANN001
    settings = settings.model_copy(update={"allow_clock_override": True})
    built = Services.build(settings)
    if redis is not None:
        await built.redis.close()
        built.redis = redis
    built.nlu = ScriptedNlu()
    return built


@pytest.fixture
async def sms_services(sqlite_settings: Settings) -> AsyncIterator[Services]:
    """SQLite and an in-process Redis."""
    built = await _build(sqlite_settings)
    yield built
    await built.aclose()


@pytest.fixture
async def sms_services_any_db(db_settings: Settings, real_redis) -> AsyncIterator[Services]:  # noqa: ANN001
    """SQLite and PostgreSQL (the test runs on both), with the real Redis server."""
    built = await _build(db_settings, redis=real_redis)
    yield built
    await built.engine.dispose()


@pytest.fixture
async def client(sms_services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(services=sms_services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.internal") as c:
        yield c


@pytest.fixture
def nlu(sms_services: Services) -> ScriptedNlu:
    return sms_services.nlu  # type: ignore[return-value]


@pytest.fixture
def maria(client: httpx.AsyncClient, sms_services: Services) -> Phone:
    return Phone(client, sms_services, "+12015550123")


@pytest.fixture
def stranger(client: httpx.AsyncClient, sms_services: Services) -> Phone:
    return Phone(client, sms_services, "+19735550999")


@pytest.fixture(scope="session")
def live_rasa_url() -> AsyncIterator[str]:
    """A ready Rasa server: DOORSTEP_TEST_RASA_URL if it answers, else one started on the
    trained model for this session. Skips (fails in CI) when neither is possible."""
    from nlu.server import model_path, server_ready, start_server

    settings = Settings(
        _env_file=None,
        rasa_url=os.environ.get("DOORSTEP_TEST_RASA_URL", "http://127.0.0.1:5005"),
    )
    if server_ready(settings.rasa_url, settings.rasa_token):
        yield settings.rasa_url
        return
    if not model_path().exists():
        _unavailable("Rasa", "no trained model for the current NLU data (doorstep nlu train)")
    try:
        server = start_server(settings)
    except Exception as exc:  # noqa: BLE001 - any setup failure means "unavailable"
        _unavailable("Rasa", exc)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
async def rasa_services(sqlite_settings: Settings, live_rasa_url: str) -> AsyncIterator[Services]:
    """SQLite, in-process Redis and the real NLU client on the real Rasa server."""
    settings = sqlite_settings.model_copy(
        update={
            "allow_clock_override": True,
            "rasa_url": live_rasa_url,
            "rasa_timeout_seconds": 5.0,
        }
    )
    built = Services.build(settings)
    yield built
    await built.aclose()


def _unavailable(what: str, why: object) -> None:
    message = f"{what} unavailable: {why}"
    if os.environ.get("DOORSTEP_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (DOORSTEP_REQUIRE_SERVICES=1)")
    pytest.skip(message)
