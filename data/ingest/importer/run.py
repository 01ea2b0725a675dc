"""`import_file`: read and validate the whole file, then write its valid rows in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from data.db import transaction
from data.ingest.importer.reading import detect_kind, read_rows
from data.ingest.importer.report import ImportFileError, ImportReport
from data.ingest.importer.rows import Kind
from data.ingest.importer.validation import validate
from data.ingest.importer.writing import (
    check_references,
    write_deliveries,
    write_drivers,
    write_routes,
)


async def import_file(
    sessions: async_sessionmaker[AsyncSession],
    path: Path,
    *,
    settings: Settings,
    kind: Kind | None = None,
    all_or_nothing: bool = False,
    progress: Callable[[str, int], Callable[[], None]] | None = None,
) -> ImportReport:
    """Validate the whole file, then write its valid rows in one transaction."""
    rows, named = read_rows(path)
    if not rows:
        raise ImportFileError(f"{path}: no records")
    if kind is None:
        kind = named or detect_kind(set().union(*(r.keys() for _, r in rows)))  # type: ignore[assignment]
    elif named and named != kind:
        raise ImportFileError(f"{path} holds {named}, not {kind}")
    assert kind is not None
    tick = progress("validating", len(rows)) if progress else None
    valid, bad = validate(
        kind,
        rows,
        operator_pattern=settings.operator_tracking_pattern,
        on_row=tick,
        settings=settings,
    )
    report = ImportReport(kind=kind, rows=len(rows), all_or_nothing=all_or_nothing)

    async with transaction(sessions) as session:
        bad.extend(await check_references(session, kind, valid))
        bad_numbers = {b.row for b in bad}
        valid = [v for v in valid if v.row not in bad_numbers]
        report.bad_rows = sorted(bad, key=lambda b: (b.row, b.field))
        if bad and all_or_nothing:
            return report
        tick = progress("writing", len(valid)) if progress else None
        if kind == "drivers":
            await write_drivers(session, [v.record for v in valid], settings, tick)
        elif kind == "routes":
            await write_routes(session, [v.record for v in valid], settings, tick)
        else:
            report.events = await write_deliveries(session, valid, settings, tick)
        report.written = len(valid)
    return report
