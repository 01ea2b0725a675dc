"""GET /healthz (is this replica fit to take traffic?) and GET /metrics (Prometheus).

/healthz answers 503 when the database or Redis is down: without them the app can neither
record nor dedupe a message, so a load balancer should send traffic elsewhere. Rasa down is
degraded, 200: the SMS side still answers (keywords, tracking numbers, a polite "a person
will get back to you") and the outbox keeps working, so taking the replica out would make
things worse. Each check has a short timeout of its own, so /healthz itself never hangs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.metrics import render_latest
from bot.services import Services

router = APIRouter(tags=["operations"])
log = structlog.get_logger(__name__)

CHECK_TIMEOUT_SECONDS = 1.5


async def _check(name: str, probe: Callable[[], Awaitable[bool]]) -> str:
    try:
        ok = await asyncio.wait_for(probe(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "down"
        log.warning("health check failed", check=name, error=f"{type(exc).__name__}: {exc}")
        return "down"
    return "ok" if ok else "down"


async def _database_ok(services: Services) -> bool:
    async with services.engine.connect() as conn:
        return (await conn.scalar(text("SELECT 1"))) == 1


async def health_report(services: Services) -> tuple[int, dict[str, str]]:
    """The HTTP status and the body /healthz answers with."""
    database, redis, rasa = await asyncio.gather(
        _check("database", lambda: _database_ok(services)),
        _check("redis", services.redis.ping),
        _check("rasa", services.nlu.ready),
    )
    report = {"database": database, "redis": redis, "rasa": rasa}
    if database != "ok" or redis != "ok":
        return 503, {"status": "down", **report}
    if rasa != "ok":
        return 200, {"status": "degraded", **report}
    return 200, {"status": "ok", **report}


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 ok / 200 degraded (NLU down) / 503 down (database or Redis down)."""
    status, body = await health_report(request.app.state.services)
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus text format."""
    body, content_type = render_latest()
    return Response(body, media_type=content_type)
