"""The worker: the outbox relay and the one scheduler.

Runs inside the web app (RUN_WORKER_IN_APP=true, the single-process default) or on its own
(`doorstep worker`, production). Any number of workers may run: each relays the outbox (the
database keeps two relays from publishing an event twice), and the one holding the
scheduler lock in Redis runs the timed jobs, so replicas never double-send. The lock has a
TTL and is renewed well before it runs out; a worker that cannot renew it (Redis down, or
it was too slow) pauses its scheduler at once, and another takes over once the lock expires.

The job store is APScheduler's SQLAlchemyJobStore on the same database (a sync driver: the
jobs table is read only when a job is due, a few milliseconds on the event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.metrics import (
    OUTBOX_LAG,
    OUTBOX_OLDEST_SECONDS,
    OUTBOX_RELAY_ERRORS,
    OUTBOX_RELAYED,
    SCHEDULER_LEADER,
)
from bot.scheduling import (
    registered_jobs,
    run_registered_job,
    scheduled,
    set_runtime_services,
)
from bot.services import Services
from bot.settings import Settings
from data.outbox import outbox_backlog, prune_relayed, relay_forever

log = structlog.get_logger(__name__)

SCHEDULER_LOCK = "scheduler"
JOB_STORE_TABLE = "apscheduler_jobs"
_TRAMPOLINE_REF = f"{run_registered_job.__module__}:{run_registered_job.__qualname__}"


def sync_database_url(database_url: str) -> str:
    """The blocking-driver URL for the same database (the job store is synchronous)."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        query = dict(url.query)
        if "ssl" in query:  # asyncpg's spelling; psycopg wants sslmode
            query["sslmode"] = query.pop("ssl")
        return url.set(drivername="postgresql+psycopg", query=query).render_as_string(
            hide_password=False
        )
    raise ValueError(f"no synchronous driver known for database backend {backend!r}")


def build_scheduler(settings: Settings) -> AsyncIOScheduler:
    """An AsyncIOScheduler on a persistent job store in the app's database."""
    store = SQLAlchemyJobStore(
        url=sync_database_url(settings.database_url),
        tablename=JOB_STORE_TABLE,
        engine_options={"pool_pre_ping": True},
    )
    return AsyncIOScheduler(
        jobstores={"default": store},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 15 * 60},
        timezone=UTC,
    )


class Worker:
    """The relay loop, the backlog gauge and the scheduler (while it holds the lock)."""

    def __init__(
        self,
        services: Services,
        *,
        run_relay: bool = True,
        run_scheduler: bool = True,
        run_sms_sender: bool = True,
        lock_ttl_seconds: int = 30,
        renew_every_seconds: float = 10.0,
        lag_every_seconds: float = 5.0,
        relay_batch: int = 500,
        heartbeat_file: Path | None = None,
    ) -> None:
        if renew_every_seconds >= lock_ttl_seconds:
            raise ValueError("the scheduler lock must be renewed before its TTL runs out")
        self.services = services
        self.run_relay = run_relay
        self.run_scheduler = run_scheduler
        self.run_sms_sender = run_sms_sender
        self.lock_ttl_seconds = lock_ttl_seconds
        self.renew_every_seconds = renew_every_seconds
        self.lag_every_seconds = lag_every_seconds
        self.relay_batch = relay_batch
        self.heartbeat_file = heartbeat_file
        self.token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.scheduler: AsyncIOScheduler | None = None
        self.is_leader = False
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start the background tasks on the running loop."""
        if self._tasks:
            raise RuntimeError("worker already started")
        self._stop.clear()
        if self.run_relay:
            self._spawn(self._relay(), "outbox-relay")
            self._spawn(self._sample_backlog(), "outbox-backlog")
        if self.run_sms_sender:
            self._spawn(self._send_sms(), "sms-sender")
        if self.run_scheduler:
            self._spawn(self._lead_scheduler(), "scheduler-lock")
        if self.heartbeat_file is not None:
            self._spawn(self._heartbeat(self.heartbeat_file), "heartbeat")
        log.info(
            "worker started", relay=self.run_relay, scheduler=self.run_scheduler, id=self.token
        )

    async def stop(self) -> None:
        """Stop the tasks, the scheduler, and give up the lock for a successor."""
        self._stop.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=10)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        if self.is_leader:
            self.is_leader = False
            SCHEDULER_LEADER.set(0)
            set_runtime_services(None)
            with contextlib.suppress(RedisError, OSError):
                await self.services.redis.release(SCHEDULER_LOCK, self.token)
        log.info("worker stopped", id=self.token)

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set (the CLI sets it on SIGTERM / Ctrl-C)."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    # --- tasks --------------------------------------------------------------------------------
    def _spawn(self, coro, name: str) -> None:  # noqa: ANN001
        self._tasks.append(asyncio.create_task(coro, name=name))

    async def _relay(self) -> None:
        def on_pass(relayed: int, error: Exception | None) -> None:
            if relayed:
                OUTBOX_RELAYED.inc(relayed)
            if error is not None:
                OUTBOX_RELAY_ERRORS.inc()

        await relay_forever(
            self.services.sessions,
            self.services.redis,
            stop=self._stop,
            batch=self.relay_batch,
            on_pass=on_pass,
        )

    async def _send_sms(self) -> None:
        """Hand the SMS outbox to the sender (console or Twilio); retries are the outbox's."""
        from bot.sms.sender import send_pending, sender_for

        sender = sender_for(self.services.settings)
        while not self._stop.is_set():
            sent = 0
            try:
                sent = await send_pending(self.services, sender, now=datetime.now(UTC))
            except (SQLAlchemyError, OSError) as exc:
                log.warning("sms outbox pass failed", error=str(exc))
            if not sent:
                await self._nap(1.0)

    async def _sample_backlog(self) -> None:
        while not self._stop.is_set():
            try:
                waiting, oldest = await outbox_backlog(self.services.sessions)
            except SQLAlchemyError as exc:
                log.warning("outbox backlog unknown", error=str(exc))
            else:
                OUTBOX_LAG.set(waiting)
                OUTBOX_OLDEST_SECONDS.set(oldest)
            await self._nap(self.lag_every_seconds)

    async def _heartbeat(self, path: Path) -> None:
        """Touch `path` while the event loop is alive (the container's health check reads it)."""
        while not self._stop.is_set():
            await asyncio.to_thread(path.touch)
            await self._nap(5.0)

    async def _lead_scheduler(self) -> None:
        while not self._stop.is_set():
            try:
                held = await self.services.redis.try_acquire(
                    SCHEDULER_LOCK, self.token, ttl_seconds=self.lock_ttl_seconds
                )
            except (RedisError, OSError) as exc:
                held = False
                if self.is_leader:
                    log.warning("scheduler lock could not be renewed", error=str(exc))
            try:
                if held and not self.is_leader:
                    self._take_the_lead()
                elif not held and self.is_leader:
                    self._step_down()
            except Exception:  # noqa: BLE001 - e.g. the job store's database is down; retry
                log.exception("scheduler could not start; retrying")
                self._step_down()
                with contextlib.suppress(RedisError, OSError):
                    await self.services.redis.release(SCHEDULER_LOCK, self.token)
            await self._nap(self.renew_every_seconds)

    def _take_the_lead(self) -> None:
        set_runtime_services(self.services)
        if self.scheduler is None:
            self.scheduler = build_scheduler(self.services.settings)
            self.scheduler.start(paused=True)
        self._sync_jobs(self.scheduler)
        self.scheduler.resume()
        self.is_leader = True
        SCHEDULER_LEADER.set(1)
        log.info("scheduler running here", id=self.token, jobs=len(self.scheduler.get_jobs()))

    def _step_down(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.pause()
        if self.is_leader:
            log.warning("scheduler paused: the lock is not ours", id=self.token)
        self.is_leader = False
        SCHEDULER_LEADER.set(0)

    @staticmethod
    def _sync_jobs(scheduler: AsyncIOScheduler) -> None:
        """Make the job store match the registry, keeping the next run of unchanged jobs."""
        wanted = registered_jobs()
        for job in scheduler.get_jobs():
            if job.func_ref == _TRAMPOLINE_REF and job.id not in wanted:
                scheduler.remove_job(job.id)
        for job_id, job in wanted.items():
            stored = scheduler.get_job(job_id)
            if stored is not None and str(stored.trigger) == str(job.trigger):
                continue  # unchanged: keep its next run (a missed run still fires once)
            scheduler.add_job(
                run_registered_job,
                trigger=job.trigger,
                args=[job_id],
                id=job_id,
                name=job.description,
                replace_existing=True,
            )

    async def _nap(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)


# --- the platform's own timed job -----------------------------------------------------------
@scheduled(every=timedelta(hours=6), job_id="outbox.prune_relayed")
async def prune_relayed_outbox(services: Services) -> None:
    """Delete outbox events relayed more than 7 days ago (the stream and the domain tables
    keep the story; the outbox only has to bridge outages)."""
    removed = await prune_relayed(services.sessions, older_than=timedelta(days=7))
    if removed:
        log.info("outbox pruned", removed=removed)


async def run_worker(
    settings: Settings,
    *,
    relay: bool = True,
    scheduler: bool = True,
    heartbeat_file: Path | None = None,
) -> None:
    """`doorstep worker`: build Services, run until SIGTERM or Ctrl-C."""
    services = Services.build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        worker = Worker(
            services, run_relay=relay, run_scheduler=scheduler, heartbeat_file=heartbeat_file
        )
        await worker.run_until(stop)
    finally:
        await services.aclose()
