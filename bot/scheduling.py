"""Timed jobs: a registry filled by a decorator, run by the one scheduler (see bot.worker).

A domain declares its jobs next to its code and adds its module to JOB_MODULES:

    from bot.scheduling import scheduled

    @scheduled(every=timedelta(minutes=5))
    async def escalate_unacknowledged_exceptions(services: Services) -> None:
        ...

Jobs take the process's Services and nothing else; they run in the scheduler process only
while it holds the scheduler lock, at most one instance at a time, and a run missed while no
scheduler was up is run once (coalesced) when one is back. Keep them idempotent: a job that
is cut off half-way runs again.

The persistent job store keeps each job as a reference to `run_registered_job` plus the job
id, never the function's closure, so the registry here is the single source of what a job does.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import structlog
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.metrics import SCHEDULED_JOB_RUNS

if TYPE_CHECKING:
    from bot.services import Services

log = structlog.get_logger(__name__)

JobFunc = Callable[["Services"], Awaitable[None]]

# Modules whose @scheduled jobs the worker loads. Add yours here.
JOB_MODULES: list[str] = ["bot.worker"]


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    id: str
    func: JobFunc
    trigger: BaseTrigger
    description: str


class DuplicateJob(ValueError):
    """Two jobs registered under one id."""


_JOBS: dict[str, ScheduledJob] = {}
# The Services the running scheduler hands to jobs (set by the worker while it leads).
_runtime: dict[str, Services] = {}


def scheduled(
    *,
    every: timedelta | None = None,
    cron: str | None = None,
    timezone: str = "UTC",
    job_id: str | None = None,
    jitter_seconds: int | None = None,
) -> Callable[[JobFunc], JobFunc]:
    """Register an async job to run `every` interval or on a `cron` line ("0 7 * * mon-sat")."""
    if (every is None) == (cron is None):
        raise ValueError("give exactly one of every= or cron=")
    if every is not None and every <= timedelta(0):
        raise ValueError(f"every= must be positive, not {every}")

    def register(func: JobFunc) -> JobFunc:
        name = job_id or f"{func.__module__}.{func.__qualname__}"
        if every is not None:
            trigger: BaseTrigger = IntervalTrigger(
                seconds=every.total_seconds(), timezone=timezone, jitter=jitter_seconds
            )
        else:
            trigger = CronTrigger.from_crontab(cron, timezone=timezone)
        existing = _JOBS.get(name)
        if existing is not None and existing.func is not func:
            raise DuplicateJob(f"a scheduled job named {name!r} is already registered")
        doc = (func.__doc__ or "").strip().splitlines()
        _JOBS[name] = ScheduledJob(name, func, trigger, doc[0] if doc else name)
        return func

    return register


def registered_jobs() -> dict[str, ScheduledJob]:
    """Every registered job by id, after importing JOB_MODULES."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(_JOBS)


def unregister(job_id: str) -> None:
    """Forget a job (tests that register their own)."""
    _JOBS.pop(job_id, None)


def set_runtime_services(services: Services | None) -> None:
    if services is None:
        _runtime.pop("services", None)
    else:
        _runtime["services"] = services


async def run_registered_job(job_id: str) -> None:
    """What the job store points at: look the job up and run it with this process's Services."""
    job = _JOBS.get(job_id)
    services = _runtime.get("services")
    if job is None or services is None:
        log.error("scheduled job cannot run", job=job_id, known=job is not None)
        SCHEDULED_JOB_RUNS.labels(job=job_id, result="error").inc()
        return
    try:
        await job.func(services)
    except Exception:
        log.exception("scheduled job failed", job=job_id)
        SCHEDULED_JOB_RUNS.labels(job=job_id, result="error").inc()
    else:
        SCHEDULED_JOB_RUNS.labels(job=job_id, result="ok").inc()
