"""`doorstep bench sms`: signed webhook -> TwiML turns at a fixed rate, beside raw Rasa parses.

Real Rasa (started here if RASA_URL doesn't answer), PostgreSQL and Redis; the app runs as its
own process (uvicorn) on a free port, so the load generator does not share its event loop.
Latency is measured from each request's scheduled send time (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import typer

from bot.settings import PROJECT_ROOT, Settings, get_settings
from bot.sms.signature import sign

TEXTS = [
    "where is my package",
    "when will my delivery arrive",
    "is the driver close",
    "hi",
    "thanks!",
    "whats the eta on my parcel",
    "can you deliver tomorrow afternoon instead",
    "i want to talk to a person",
]
PHONE_BASE = 12015580000  # 201-558-xxxx: the bench's own customers


def main(
    rate: float = typer.Option(50.0, help="Turns per second."),
    turns: int = typer.Option(1000, help="Turns to measure (and as many raw parses)."),
    customers: int = typer.Option(200, help="Bench customers with one delivery each."),
    database_url: str | None = typer.Option(None, help="Default: DATABASE_URL."),
    redis_url: str | None = typer.Option(None, help="Default: REDIS_URL (required: real Redis)."),
) -> None:
    """Turn p50/p99 over the webhook beside raw /model/parse p50/p99, measured in this run."""
    from data.migrate import upgrade
    from nlu.server import ensure_server

    base = get_settings()
    given = Settings(database_url=database_url or base.database_url).database_url
    settings = base.model_copy(
        update={"database_url": _scratch_database(given), "redis_url": redis_url or base.redis_url}
    )
    typer.echo(f"scratch database: {settings.database_url.split('@')[-1]}", err=True)
    if not settings.redis_url or settings.is_sqlite:
        typer.echo(
            "note: the goals are for PostgreSQL and a real Redis (--database-url, --redis-url)",
            err=True,
        )
    upgrade(settings)
    asyncio.run(_seed(settings, customers))
    asyncio.run(_fresh_conversations(settings, customers))
    with ensure_server(settings, on_line=lambda line: typer.echo(line, err=True)) as rasa_url:
        port = _free_port()
        app = _start_app(settings, rasa_url, port)
        try:
            raw, turn, errors = asyncio.run(_run(settings, rasa_url, port, rate, turns, customers))
        finally:
            app.terminate()
            app.wait(10)
    _report(raw, turn, errors, rate)


async def _run(settings, rasa_url, port, rate, turns, customers):  # noqa: ANN001, ANN202
    rng = random.Random(7)
    texts = [rng.choice(TEXTS) for _ in range(turns)]
    headers = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=15, limits=limits) as client:

        async def parse(text: str) -> None:
            response = await client.post(
                f"{rasa_url}/model/parse",
                params={"token": settings.rasa_token},
                json={"text": text},
                headers=headers,
            )
            response.raise_for_status()

        async def turn(text: str) -> None:
            phone = f"+{PHONE_BASE + rng.randrange(customers)}"
            params = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "From": phone,
                "To": settings.twilio_from_number,
                "Body": text,
                "NumMedia": "0",
                "AccountSid": settings.twilio_account_sid,
            }
            url = f"http://127.0.0.1:{port}/twilio/sms"
            signature = sign(settings.model_copy(), f"http://127.0.0.1:{port}/twilio/sms", params)
            response = await client.post(
                url, data=params, headers={"X-Twilio-Signature": signature}
            )
            if response.status_code != 200 or "<Message>" not in response.text:
                raise RuntimeError(f"{response.status_code} {response.text[:120]}")

        for warm in texts[:20]:  # connections, the app's first queries, Rasa's caches
            await parse(warm)
            await turn(warm)
        raw, raw_errors = await _at_rate(parse, texts, rate)
        turned, turn_errors = await _at_rate(turn, texts, rate)
    return raw, turned, raw_errors + turn_errors


async def _at_rate(call, texts, rate):  # noqa: ANN001, ANN202
    """Start one call every 1/rate s; each latency counts from its scheduled start."""
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter() + 0.05

    async def one(i: int, text: str) -> None:
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        try:
            await call(text)
        except Exception as exc:  # noqa: BLE001 - counted and shown, not fatal
            errors.append(str(exc)[:160])
            return
        latencies.append((time.perf_counter() - scheduled) * 1000)

    await asyncio.gather(*(one(i, t) for i, t in enumerate(texts)))
    return latencies, errors


def _report(raw: list[float], turn: list[float], errors: list[str], rate: float) -> None:
    def pct(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else float("nan")

    typer.echo(
        f"rate {rate:g}/s   turns ok {len(turn)}   raw parses ok {len(raw)}   errors {len(errors)}"
    )
    typer.echo(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, values in (("raw /model/parse", raw), ("SMS turn (webhook)", turn)):
        typer.echo(f"{name:24}{pct(values, 50):10.1f}{pct(values, 99):10.1f}{max(values):10.1f}")
    overhead = pct(turn, 50) - pct(raw, 50)
    typer.echo(
        f"p50 overhead over NLU: {overhead:.1f} ms (goal <= 10)   "
        f"p99 turn: {pct(turn, 99):.1f} ms (goal <= 100 at 50/s)"
    )
    for error in sorted(set(errors))[:5]:
        typer.echo(f"  error: {error}", err=True)


def _start_app(settings: Settings, rasa_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "RASA_URL": rasa_url,
        "RASA_TOKEN": settings.rasa_token,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "LOG_LEVEL": "WARNING",
        "RUN_WORKER_IN_APP": "false",
    }
    # `doorstep serve`, as in production: its logging setup, no access log.
    doorstep = Path(sys.executable).with_name("doorstep")
    command = [str(doorstep), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the app did not start")


async def _seed(settings: Settings, customers: int) -> None:
    """One scheduled delivery per bench customer (idempotent: same numbers, same rows)."""
    from sqlalchemy import select

    from data.db import create_engine, create_sessionmaker, transaction
    from data.models import Carrier, Delivery

    engine = create_engine(settings)
    try:
        async with transaction(create_sessionmaker(engine)) as session:
            carrier = await session.scalar(select(Carrier).where(Carrier.code == "bench"))
            if carrier is None:
                carrier = Carrier(code="bench", name="Bench")
                session.add(carrier)
                await session.flush()
            have = set(
                await session.scalars(
                    select(Delivery.tracking_number).where(Delivery.carrier_id == carrier.id)
                )
            )
            start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
            for n in range(customers):
                tracking = f"BENCH{n:06d}"
                if tracking in have:
                    continue
                session.add(
                    Delivery(
                        carrier_id=carrier.id,
                        tracking_number=tracking,
                        phone=f"+{PHONE_BASE + n}",
                        recipient_name="Bench Customer",
                        postal_code="07030",
                        status="scheduled",
                        service_date=start.date(),
                        window_start=start,
                        window_end=start + timedelta(hours=2),
                    )
                )
    finally:
        await engine.dispose()


async def _fresh_conversations(settings: Settings, customers: int) -> None:
    """Every run starts the bench customers' conversations afresh, so runs compare."""
    from data.redis_store import RedisStore

    redis = RedisStore.from_settings(settings)
    try:
        for n in range(customers):
            await redis.delete_session(f"sms:+{PHONE_BASE + n}")
            await redis.reset_count(f"verify-fail:+{PHONE_BASE + n}")
    finally:
        await redis.close()


SCRATCH_DB = "doorstep_bench_sms"


def _scratch_database(url: str) -> str:
    """The bench's own database beside the given one (created if missing), never the given one."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / (SCRATCH_DB + '.db')}"
    if parsed.database != SCRATCH_DB:
        asyncio.run(_create_database(parsed))
    return parsed.set(database=SCRATCH_DB).render_as_string(hide_password=False)


async def _create_database(server) -> None:  # noqa: ANN001 - a sqlalchemy URL
    import asyncpg

    connection = await asyncpg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", SCRATCH_DB
        )
        if not exists:
            await connection.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    finally:
        await connection.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
