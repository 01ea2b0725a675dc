"""Reading an import file (CSV or JSON) into numbered raw rows, and telling what kind it holds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from data.ingest.importer.report import ImportFileError
from data.ingest.importer.rows import KINDS, Kind


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], str | None]:
    """(row number, raw fields) for each record, and the kind named by a JSON file if any."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".csv", ".txt") and text.lstrip()[:1] in "[{"):
        return _json_rows(path, text)
    return _csv_rows(path, text), None


def _json_rows(path: Path, text: str) -> tuple[list[tuple[int, dict[str, Any]]], str | None]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    named: str | None = None
    if isinstance(data, dict):
        keys = [k for k in data if k in KINDS]
        if len(keys) != 1 or len(data) != 1:
            raise ImportFileError(
                f'{path}: expected a list, or one of {{"deliveries"|"routes"|"drivers": [...]}}'
            )
        named, data = keys[0], data[keys[0]]
    if not isinstance(data, list):
        raise ImportFileError(f"{path}: expected a list of records")
    rows = []
    for index, item in enumerate(data, start=1):
        rows.append((index, item if isinstance(item, dict) else {"__not_an_object__": item}))
    return rows, named


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    # strict: a quote left open would otherwise swallow every line after it into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        records = [(reader.line_num, record) for record in reader]
    except StopIteration:
        raise ImportFileError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        hint = " (a quoted cell is never closed)" if "end of data" in str(exc) else ""
        raise ImportFileError(f"{path}: line {reader.line_num}: {exc}{hint}") from None
    header = [h.strip().lower() for h in header]
    # Spreadsheets add unnamed columns (a trailing comma); they are dropped when empty.
    unnamed = [i for i, name in enumerate(header) if not name]
    for index in unnamed:
        for line, record in records:
            if index < len(record) and record[index].strip():
                raise ImportFileError(
                    f"{path}: line {line}: column {index + 1} has a value but no name in the header"
                )
    named = [name for name in header if name]
    if len(set(named)) != len(named):
        raise ImportFileError(f"{path}: a column name appears twice in the header")
    # A row may leave out the unnamed columns at the end of the header.
    shortest = max((i + 1 for i, name in enumerate(header) if name), default=len(header))
    rows = []
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if not shortest <= len(record) <= len(header):
            rows.append((line, {"__cells__": f"{len(record)} cells, the header has {len(header)}"}))
            continue
        cells = zip(header, record, strict=False)
        rows.append((line, {name: cell for name, cell in cells if name}))
    return rows


def detect_kind(columns: set[str]) -> Kind:
    """deliveries if there is a tracking_number; routes if service_date; drivers if name."""
    if "tracking_number" in columns:
        return "deliveries"
    if "external_id" in columns and "service_date" in columns:
        return "routes"
    if "external_id" in columns and "name" in columns:
        return "drivers"
    raise ImportFileError(
        "cannot tell what the file holds: deliveries need tracking_number, routes external_id "
        "and service_date, drivers external_id and name (or pass --kind)"
    )
