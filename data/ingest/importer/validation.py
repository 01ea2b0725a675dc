"""Validating an import file's rows: each against its model, duplicates, cross-field rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from bot.settings import Settings
from data.ingest.importer.delivery_events import delivery_events
from data.ingest.importer.report import BadRow, ImportFileError
from data.ingest.importer.rows import NATURAL_KEY, ROW_MODELS, DeliveryRow, Kind, aware
from data.tracking import identify_carrier


@dataclass(slots=True)
class ValidRow:
    row: int
    record: Any


def validate(
    kind: Kind,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    operator_pattern: str = r"DS\d{8}",
    on_row: Callable[[], None] | None = None,
    settings: Settings | None = None,
) -> tuple[list[ValidRow], list[BadRow]]:
    model = ROW_MODELS[kind]
    known = set(model.columns())
    columns = set().union(*(r.keys() for _, r in rows)) - {"__cells__", "__not_an_object__"}
    unknown = sorted(columns - known)
    if unknown:
        raise ImportFileError(
            f"unknown {kind} field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    missing = [name for name in model.required_columns() if name not in columns]
    if missing:  # one answer for the file, not one per row
        raise ImportFileError(f"{kind} need the column(s) {', '.join(missing)}; none is given")
    key = NATURAL_KEY[kind]
    first_seen: dict[str, int] = {}
    valid: list[ValidRow] = []
    bad: list[BadRow] = []
    for number, raw in rows:
        if on_row:
            on_row()
        if "__cells__" in raw:
            bad.append(BadRow(number, "(row)", raw["__cells__"]))
            continue
        if "__not_an_object__" in raw:
            bad.append(BadRow(number, "(row)", "expected an object"))
            continue
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                where = ".".join(str(p) for p in error["loc"]) or "(row)"
                bad.append(BadRow(number, where, error["msg"].removeprefix("Value error, ")))
            continue
        natural = getattr(record, key)
        if natural in first_seen:
            bad.append(BadRow(number, key, f"{natural} is already on row {first_seen[natural]}"))
            continue
        first_seen[natural] = number
        problem = _row_rules(kind, record, operator_pattern)
        if problem:
            bad.append(BadRow(number, *problem))
            continue
        if kind == "deliveries" and settings is not None:
            problems = _event_problems(record, settings)
            if problems:
                bad.extend(BadRow(number, *p) for p in problems)
                continue
        valid.append(ValidRow(number, record))
    return valid, bad


def _event_problems(record: DeliveryRow, settings: Settings) -> list[tuple[str, str]]:
    """A row the row model accepts must also make valid canonical events: anything the event
    refuses is this row's problem, named by the row's column."""
    try:
        delivery_events(record, settings=settings, at=datetime.now(UTC))
    except ValidationError as exc:
        return [
            (_column(error["loc"]), error["msg"].removeprefix("Value error, "))
            for error in exc.errors(include_url=False, include_input=False)
        ]
    return []


ADDRESS_COLUMNS = {"line1": "address_line1", "line2": "address_line2"}


def _column(loc: tuple[Any, ...]) -> str:
    """An event field's location as the import column it comes from."""
    parts = [str(p) for p in loc]
    if parts[:2] == ["delivery", "address"] and len(parts) > 2:
        return ADDRESS_COLUMNS.get(parts[2], parts[2])
    if parts[:1] == ["delivery"] and len(parts) > 1:
        return parts[1]
    if parts[:1] == ["window"]:
        return "window_end"
    if parts[:1] == ["route"]:
        return "route_external_id"
    return parts[0] if parts else "(row)"


def _row_rules(kind: Kind, record: Any, operator_pattern: str) -> tuple[str, str] | None:
    if kind == "deliveries":
        if (
            not record.carrier
            and identify_carrier(record.tracking_number, operator_pattern) is None
        ):
            return ("carrier", "the tracking number matches no known carrier; give the carrier")
        if (record.window_start is None) != (record.window_end is None):
            return ("window_end", "give both window_start and window_end, or neither")
        if record.stop_sequence is not None and record.route_external_id is None:
            return ("stop_sequence", "a stop sequence needs a route_external_id")
    if (
        kind == "routes"
        and record.shift_start
        and record.shift_end
        and aware(record.shift_end, "UTC") <= aware(record.shift_start, "UTC")
    ):
        return ("shift_end", "the shift ends before it starts")
    return None
