"""GET /healthz tells a load balancer whether this replica can take traffic; GET /metrics
shows Prometheus what the operation is doing."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
import redis.asyncio as aioredis

from bot.app import create_app
from bot.services import Services
from data.redis_store import RedisStore
from nlu.client import NluClient


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RasaUp(NluClient):
    """Stands in for a Rasa server that has its model loaded."""

    async def ready(self) -> bool:
        return True


class RasaHangs(NluClient):
    """A Rasa server that accepts the connection and never answers."""

    async def ready(self) -> bool:
        await asyncio.Event().wait()
        return True


async def get(services: Services, path: str) -> httpx.Response:
    app = create_app(services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://doorstep.test") as http:
        return await http.get(path)


@pytest.fixture
async def redis_down() -> AsyncIterator[RedisStore]:
    client = aioredis.from_url(
        f"redis://127.0.0.1:{closed_port()}", decode_responses=True, socket_connect_timeout=1
    )
    yield RedisStore(client)
    await client.aclose()


async def test_all_dependencies_up_is_healthy(services: Services) -> None:
    response = await get(replace(services, nlu=RasaUp(services.settings)), "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "rasa": "ok"}


async def test_rasa_down_is_degraded_but_still_takes_traffic(services: Services) -> None:
    settings = services.settings.model_copy(
        update={"rasa_url": f"http://127.0.0.1:{closed_port()}"}
    )
    nlu = NluClient(settings)
    try:
        response = await get(replace(services, nlu=nlu), "/healthz")
    finally:
        await nlu.aclose()
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "redis": "ok",
        "rasa": "down",
    }


async def test_a_rasa_that_never_answers_does_not_hang_the_health_check(
    services: Services,
) -> None:
    response = await get(replace(services, nlu=RasaHangs(services.settings)), "/healthz")
    assert response.status_code == 200
    assert response.json()["rasa"] == "down"


async def test_redis_down_takes_the_replica_out_of_rotation(
    services: Services, redis_down: RedisStore
) -> None:
    response = await get(
        replace(services, redis=redis_down, nlu=RasaUp(services.settings)), "/healthz"
    )
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "redis": "down",
        "rasa": "ok",
    }


async def test_database_down_takes_the_replica_out_of_rotation(services: Services) -> None:
    from data.db import create_engine, create_sessionmaker

    settings = services.settings.model_copy(
        update={"database_url": f"postgresql+asyncpg://nobody@127.0.0.1:{closed_port()}/none"}
    )
    engine = create_engine(settings)
    try:
        broken = replace(
            services,
            engine=engine,
            sessions=create_sessionmaker(engine),
            nlu=RasaUp(services.settings),
        )
        response = await get(broken, "/healthz")
    finally:
        await engine.dispose()
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["redis"] == "ok"


async def test_metrics_show_the_operation_in_prometheus_format(services: Services) -> None:
    from bot.metrics import DELIVERY_EVENTS, INBOUND_MESSAGES

    INBOUND_MESSAGES.labels(channel="sms").inc()
    DELIVERY_EVENTS.labels(source="dms", result="applied").inc()
    await get(replace(services, nlu=RasaUp(services.settings)), "/healthz")

    response = await get(services, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    for name in (
        "doorstep_inbound_messages_total",
        "doorstep_outbound_messages_total",
        "doorstep_delivery_events_total",
        "doorstep_nlu_parse_seconds_bucket",
        "doorstep_webhook_requests_total",
        "doorstep_outbox_lag_events",
        "doorstep_scheduler_leader",
    ):
        assert f"# TYPE {name.removesuffix('_bucket').removesuffix('_total')}" in body, name
    assert 'doorstep_inbound_messages_total{channel="sms"}' in body
    assert 'doorstep_webhook_requests_total{route="/healthz",status="200"}' in body
    assert 'doorstep_delivery_events_total{result="applied",source="dms"}' in body


async def test_building_many_apps_registers_the_metrics_once(services: Services) -> None:
    for _ in range(3):
        create_app(services=services)
    assert (await get(services, "/metrics")).status_code == 200
