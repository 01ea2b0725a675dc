"""What an import reports: its bad rows by row and field, and the error for an unreadable file."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.ingest.importer.rows import Kind
from data.ingest.results import IngestResult


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, header, kind): nothing is written."""


@dataclass(slots=True)
class BadRow:
    row: int  # CSV: the line number (the header is line 1); JSON: the item's 1-based index
    field: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    kind: Kind
    rows: int = 0
    written: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    events: IngestResult | None = None
    all_or_nothing: bool = False

    @property
    def ok(self) -> bool:
        return not self.bad_rows
