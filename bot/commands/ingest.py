"""`doorstep import FILE`: deliveries, routes or drivers from a CSV or JSON file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer


def import_file(
    file: Path = typer.Argument(..., help="A .csv (with a header row) or .json file."),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="deliveries, routes or drivers (default: told by the columns / JSON key).",
    ),
    all_or_nothing: bool = typer.Option(
        False,
        "--all-or-nothing",
        help="Write nothing if any row is bad (default: write the valid rows, report the bad).",
    ),
) -> None:
    """Import deliveries, routes or drivers; idempotent, bad rows reported by row and field."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from bot.runtime import settle_gc
    from bot.settings import get_settings
    from data.ingest.importer.report import ImportFileError
    from data.ingest.importer.rows import KINDS
    from data.ingest.importer.run import import_file as run_import

    console = Console(stderr=True)
    if kind is not None and kind not in KINDS:
        console.print(f"[red]--kind must be one of {', '.join(KINDS)}[/red]")
        raise typer.Exit(2)
    settings = get_settings()

    async def _run():  # noqa: ANN202
        from data.db import create_engine, create_sessionmaker

        engine = create_engine(settings)
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            ) as progress:

                def track(what: str, total: int):  # noqa: ANN202
                    task = progress.add_task(f"{what} {file.name}", total=total)
                    return lambda: progress.advance(task)

                return await run_import(
                    create_sessionmaker(engine),
                    file,
                    settings=settings,
                    kind=kind,  # type: ignore[arg-type]
                    all_or_nothing=all_or_nothing,
                    progress=track,
                )
        finally:
            await engine.dispose()

    try:
        settle_gc()
        report = asyncio.run(_run())
    except ImportFileError as exc:
        console.print(f"[red]cannot import:[/red] {exc}")
        raise typer.Exit(2) from None
    except (OperationalError, ProgrammingError, OSError) as exc:
        # The store is unreachable or not migrated: nothing was written (one transaction).
        reason = getattr(exc, "orig", None) or exc
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        console.print(
            f"[red]cannot import:[/red] the database at {where} "
            f"refused: {type(reason).__name__}: {reason}\n"
            "Is it running, and has `doorstep db upgrade` been run? Nothing was written."
        )
        raise typer.Exit(2) from None

    out = Console()
    if report.bad_rows:
        table = Table(title=f"{len(report.bad_rows)} problem(s) in {file.name}")
        table.add_column("row", justify="right")
        table.add_column("field")
        table.add_column("reason")
        for bad in report.bad_rows:
            table.add_row(str(bad.row), bad.field, bad.reason)
        out.print(table)
    rows_bad = len({b.row for b in report.bad_rows})
    if report.bad_rows and report.all_or_nothing:
        out.print(
            f"[red]nothing written[/red]: {rows_bad} bad row(s) of {report.rows} (--all-or-nothing)"
        )
        raise typer.Exit(1)
    summary = f"{report.kind}: {report.written} row(s) written of {report.rows}"
    if report.events is not None:
        ev = report.events
        summary += (
            f"; events applied {ev.applied}, unchanged (already imported) {ev.duplicates}, "
            f"rejected {len(ev.rejected)}"
        )
        for rejection in ev.rejected:
            out.print(f"  rejected {rejection.tracking_number}: {rejection.reason}")
    out.print(summary)
    if report.bad_rows:
        out.print(f"[red]{rows_bad} bad row(s) not written[/red]")
        raise typer.Exit(1)
