"""`doorstep nlu ...`: train, serve, parse and test the Rasa NLU."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path

import typer

app = typer.Typer(help="The Rasa NLU: train, serve, parse, test.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _train_with_progress(force: bool = False):  # noqa: ANN202
    """Train if the data changed, showing Rasa's progress lines under a spinner."""
    from rich.console import Console

    from nlu.server import RasaSetupError, model_path, train

    console = Console(stderr=True)
    target = model_path()
    if target.exists() and not force:
        console.print(f"[green]model up to date[/green]: {target.name}")
        return target
    with console.status(f"training {target.name} (rasa train nlu)…") as status:

        def on_line(line: str) -> None:
            if "Epochs:" in line:
                status.update(f"training {target.name}: {line.split('Epochs:')[-1].strip()[:60]}")
            elif "INFO" in line and "component" in line:
                status.update(f"training {target.name}: {line.split(' - ')[-1][:70]}")

        try:
            result = train(force=force, on_line=on_line)
        except RasaSetupError as exc:
            _fail(str(exc))
    console.print(f"[green]trained[/green] {result.model.name} in {result.seconds:.1f}s")
    return result.model


@app.command()
def train(
    force: bool = typer.Option(False, "--force", help="Train even if the model is up to date."),
) -> None:
    """Train the NLU model (skipped when config, domain and data are unchanged)."""
    _train_with_progress(force)


@app.command()
def serve(
    port: int = typer.Option(None, help="Port (default: the one in RASA_URL)."),
) -> None:
    """Train if needed, then run the Rasa server in the foreground on the current model."""
    from urllib.parse import urlparse

    from bot.settings import get_settings
    from nlu.server import RasaSetupError, main_serve

    settings = get_settings()
    _train_with_progress()
    port = port or urlparse(settings.rasa_url).port or 5005
    typer.echo(f"serving the NLU on port {port} (Ctrl-C stops it)", err=True)
    try:
        raise typer.Exit(main_serve(settings, port))
    except RasaSetupError as exc:
        _fail(str(exc))


def _parse_now(now: str | None, tz: str) -> datetime:
    from zoneinfo import ZoneInfo

    if now is None:
        return datetime.now(ZoneInfo(tz)).replace(tzinfo=None)
    try:
        return datetime.fromisoformat(now)
    except ValueError:
        _fail(f"--now {now!r} is not ISO-8601 (e.g. 2026-11-18T10:00:00)")
        raise


@app.command()
def parse(
    message: str = typer.Argument(None, help="The message (or use --file)."),
    file: Path = typer.Option(None, "--file", "-f", help="A file of messages, one per line."),
    now: str = typer.Option(None, help="ISO-8601 'now' (default: the current time in --tz)."),
    tz: str = typer.Option(None, help="IANA time zone (default: OPERATOR_TIMEZONE)."),
    audience: str = typer.Option("customer", help="customer or driver."),
) -> None:
    """Print what the NLU understands, as JSON lines (starts a Rasa server if none answers)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.settings import get_settings
    from nlu.client import NluClient
    from nlu.server import RasaSetupError, ensure_server, server_ready
    from nlu.understanding import NluUnavailable

    if audience not in ("customer", "driver"):
        _fail("--audience must be customer or driver")
    if (message is None) == (file is None):
        _fail("give one message or --file, not both and not neither")
    settings = get_settings()
    tz = tz or settings.operator_timezone
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(f"--tz {tz!r} is not an IANA time zone (e.g. America/New_York)")
    when = _parse_now(now, tz)
    if file is not None:
        try:
            messages = file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            _fail(f"cannot read {file}: {exc.strerror}")
    else:
        messages = [message]

    async def run(url: str) -> None:
        client = NluClient(settings.model_copy(update={"rasa_url": url}))
        try:
            for text in messages:
                result = await client.parse(text, audience=audience, now=when, tz=tz)  # type: ignore[arg-type]
                sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
        finally:
            await client.aclose()

    try:
        if not server_ready(settings.rasa_url, settings.rasa_token):
            _train_with_progress()
            typer.echo(f"no Rasa server at {settings.rasa_url}: starting one…", err=True)
        with ensure_server(settings) as url:
            asyncio.run(run(url))
    except (RasaSetupError, NluUnavailable) as exc:
        _fail(str(exc))


@app.command()
def test(
    json_out: Path = typer.Option(None, "--json", help="Also write the figures as JSON here."),
    show_failures: int = typer.Option(15, help="How many misses to list."),
) -> None:
    """Evaluate on the held-out sets (rasa test nlu + the client); fail below the gates."""
    from rich.console import Console
    from rich.table import Table

    from bot.settings import get_settings
    from nlu.client import NluClient
    from nlu.evaluate import (
        EvaluationError,
        Report,
        evaluate,
        load_gates,
        read_intent_report,
        run_rasa_test,
    )
    from nlu.server import RasaSetupError, ensure_server

    console = Console()
    settings = get_settings()
    try:
        gates = load_gates()
        model = _train_with_progress()
        with console.status("rasa test nlu on nlu/tests/test_nlu.yml…"):
            intent_report = run_rasa_test(model)
        with (
            console.status("starting the NLU server and evaluating through the client…"),
            ensure_server(settings) as url,
        ):
            client = NluClient(
                settings.model_copy(update={"rasa_url": url, "rasa_timeout_seconds": 5.0})
            )

            async def run() -> Report:
                try:
                    return await evaluate(client)
                finally:
                    await client.aclose()

            report = asyncio.run(run())
        read_intent_report(intent_report, report)
    except (EvaluationError, RasaSetupError) as exc:
        _fail(str(exc))

    table = Table(title=f"rasa test nlu: per-intent F1 (accuracy {report.rasa_accuracy or 0:.3f})")
    for column in ("intent", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "intent" else "right")
    for name, row in sorted(report.per_intent_f1.items()):
        table.add_row(
            name,
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            str(int(row["support"])),
        )
    console.print(table)

    figures = Table(
        title="through the app's client (audience filter, threshold, resolved entities)"
    )
    for column in ("measure", "value", "cases", "gate"):
        figures.add_column(column, justify="left" if column == "measure" else "right")
    for name, score in sorted(report.scores.items()):
        gate = gates.get(name)
        value = score.value
        colour = "red" if gate is not None and (value is None or value < gate) else "green"
        figures.add_row(
            name,
            f"[{colour}]{value:.3f}[/{colour}]" if value is not None else "-",
            str(score.total),
            f"{gate:.2f}" if gate is not None else "",
        )
    console.print(figures)
    for failure in report.failures[:show_failures]:
        console.print(f"[yellow]miss[/yellow] {json.dumps(failure, ensure_ascii=False)}")
    if len(report.failures) > show_failures:
        console.print(f"… and {len(report.failures) - show_failures} more")

    missed = report.check(gates)
    if json_out:
        json_out.write_text(
            json.dumps(
                {
                    "figures": report.figures(),
                    "rasa_accuracy": report.rasa_accuracy,
                    "per_intent_f1": report.per_intent_f1,
                    "gates": gates,
                    "missed": missed,
                    "failures": report.failures,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    if missed:
        for line in missed:
            console.print(f"[red]gate missed[/red] {line}")
        raise typer.Exit(1)
    console.print("[green]all NLU quality gates met[/green]")
