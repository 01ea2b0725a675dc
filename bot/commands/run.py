"""`doorstep run`: everything a fresh machine needs to try Doorstep, in one process tree."""

from __future__ import annotations

import asyncio
import signal
import sys
from urllib.parse import urlparse

import typer


def run(
    host: str | None = typer.Option(None, help="Bind address (default: HOST setting)."),
    port: int | None = typer.Option(None, help="Port (default: PORT setting)."),
    demo: bool = typer.Option(True, help="Load the demo operator day when the store is empty."),
) -> None:
    """Migrate, load demo data, train and start Rasa when needed, then serve Doorstep."""
    import uvicorn
    from rich.console import Console

    from bot.app import create_app
    from bot.logging import configure_logging
    from bot.runtime import settle_gc
    from bot.settings import get_settings
    from data.migrate import upgrade
    from nlu import server as rasa

    console = Console(stderr=True)
    settings = get_settings()

    with console.status("Migrating the store…"):
        upgrade(settings)
    console.print(f"[green]✓[/] store ready ({'SQLite' if settings.is_sqlite else 'PostgreSQL'})")

    if demo and asyncio.run(_store_is_empty(settings)):
        from bot.commands.demo import demo_data

        demo_data(day=None, at=None, seed=7, deliveries=1000, reset=False)

    # uvicorn re-raises SIGTERM after its graceful shutdown; as SystemExit, the `finally`
    # below still stops the Rasa server this command started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    rasa_server = None
    try:
        if rasa.server_ready(settings.rasa_url, settings.rasa_token):
            console.print(f"[green]✓[/] Rasa already answering at {settings.rasa_url}")
        else:
            rasa_server = _start_rasa(console, settings)
        configure_logging(settings)
        settle_gc()
        console.print(
            f"[bold]Doorstep is serving on http://{host or settings.host}:{port or settings.port}"
            "[/]  (Ctrl-C stops it)\n"
            "Text it as a demo customer from another terminal:\n"
            "  .venv/bin/doorstep chat --phone +12015550101"
        )
        uvicorn.run(
            create_app(settings),
            host=host or settings.host,
            port=port or settings.port,
            log_config=None,
            proxy_headers=True,
        )
    except rasa.RasaSetupError as exc:
        console.print(f"[red]Rasa could not start:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        if rasa_server is not None:
            rasa_server.stop()


def _start_rasa(console, settings):  # noqa: ANN001, ANN202
    from nlu import server as rasa

    with console.status("Training the NLU model (skipped when the data is unchanged)…") as status:
        result = rasa.train(on_line=lambda line: status.update(f"Training: {line[:90]}"))
    if result.trained:
        console.print(
            f"[green]✓[/] NLU model trained in {result.seconds:.0f} s: {result.model.name}"
        )
    else:
        console.print(f"[green]✓[/] NLU model up to date: {result.model.name}")
    rasa_port = urlparse(settings.rasa_url).port or 5005
    with console.status(f"Starting Rasa on port {rasa_port}…") as status:
        server = rasa.start_server(
            settings,
            port=rasa_port,
            model=result.model,
            on_tick=lambda seconds: status.update(f"Starting Rasa… {seconds:.0f} s"),
        )
    console.print(f"[green]✓[/] Rasa ready at {server.url}")
    return server


async def _store_is_empty(settings) -> bool:  # noqa: ANN001
    import sqlalchemy as sa

    from data.db import create_engine
    from data.models import Delivery

    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            return not await conn.scalar(sa.select(sa.exists().where(Delivery.id.is_not(None))))
    finally:
        await engine.dispose()
