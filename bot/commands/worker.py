"""`doorstep worker`: the outbox relay and the scheduler, without the web app."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer


def worker(
    relay: bool = typer.Option(True, "--relay/--no-relay", help="Relay the outbox to Redis."),
    scheduler: bool = typer.Option(
        True, "--scheduler/--no-scheduler", help="Compete for the lock and run timed jobs."
    ),
    heartbeat_file: Path | None = typer.Option(
        None, help="Touch this file every 5 s while running (for a container health check)."
    ),
) -> None:
    """Run the outbox relay and the one scheduler until SIGTERM or Ctrl-C."""
    from bot.logging import configure_logging
    from bot.runtime import settle_gc
    from bot.settings import get_settings
    from bot.worker import run_worker

    settings = get_settings()
    configure_logging(settings)
    if not relay and not scheduler:
        raise typer.BadParameter("nothing to run: both --no-relay and --no-scheduler given")
    settle_gc()
    asyncio.run(
        run_worker(settings, relay=relay, scheduler=scheduler, heartbeat_file=heartbeat_file)
    )
