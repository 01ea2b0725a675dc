"""The `doorstep` command."""

from __future__ import annotations

import asyncio

import typer

from bot.bench import ingest as bench_ingest
from bot.bench import nlu as bench_nlu
from bot.bench import sms as bench_sms
from bot.commands import cases as cases_cmd
from bot.commands import chat as chat_cmd
from bot.commands import demo as demo_cmd
from bot.commands import ingest as ingest_cmd
from bot.commands import nlu as nlu_cmd
from bot.commands import run as run_cmd
from bot.commands import worker as worker_cmd

app = typer.Typer(help="Doorstep: the last-mile delivery assistant.", no_args_is_help=True)
db_app = typer.Typer(help="The delivery-state store's schema.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(bench_app, name="bench")
app.add_typer(nlu_cmd.app, name="nlu")
app.add_typer(cases_cmd.app, name="cases")

app.command("import")(ingest_cmd.import_file)
app.command("demo-data")(demo_cmd.demo_data)
app.command("chat")(chat_cmd.chat)
app.command("worker")(worker_cmd.worker)
app.command("run")(run_cmd.run)
bench_app.command("ingest")(bench_ingest.main)
bench_app.command("nlu")(bench_nlu.main)
bench_app.command("sms")(bench_sms.main)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from bot.settings import get_settings
    from data.migrate import upgrade

    settings = get_settings()
    upgrade(settings, revision)
    typer.echo(f"database at {revision}: {_safe_url(settings.database_url)}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(...)) -> None:
    """Roll migrations back to REVISION ('base' empties the schema)."""
    from bot.settings import get_settings
    from data.migrate import downgrade

    downgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Bind address (default: HOST setting)."),
    port: int | None = typer.Option(None, help="Port (default: PORT setting)."),
) -> None:
    """Run the web app (webhooks, health, metrics) with uvicorn."""
    import uvicorn

    from bot.app import create_app
    from bot.logging import configure_logging
    from bot.runtime import settle_gc
    from bot.settings import get_settings

    settings = get_settings()
    configure_logging(settings)
    web_app = create_app(settings)
    settle_gc()
    uvicorn.run(
        web_app,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        proxy_headers=True,
    )


def _safe_url(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def run_async(coro):  # noqa: ANN001, ANN201
    """Run a coroutine from a sync Typer command."""
    return asyncio.run(coro)


def main() -> None:
    app()
