"""`doorstep import FILE`: deliveries, routes and drivers from CSV or JSON files.

The policy (docs/ingest.md): the whole file is read and validated first; then every valid
row is written in one transaction and every bad row is reported with its row number, field
and reason. Nothing of a bad row is written. With all_or_nothing=True a single bad row means
nothing at all is written. Re-importing a file changes nothing: drivers and routes are upserts
by external id, and each delivery row becomes a 'created' event (and a 'route_assigned' one
when it names a route) whose id is a digest of the row, so the same row again is a duplicate.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from data.db import transaction
from data.ingest.batch import apply_events
from data.ingest.carriers import CARRIER_NAMES
from data.ingest.events import CanonicalEvent
from data.ingest.results import IngestResult
from data.ingest.sql import dialect_insert
from data.models import Carrier, Driver, Route
from data.phones import InvalidPhoneNumber, to_e164
from data.tracking import identify_carrier, normalize_tracking_number
from data.types import utcnow

Kind = Literal["deliveries", "routes", "drivers"]
KINDS: tuple[Kind, ...] = ("deliveries", "routes", "drivers")
WRITE_BATCH = 500


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


# --- rows -------------------------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls.model_fields)

    @field_validator("*", mode="before")
    @classmethod
    def _blanks(cls, value: Any) -> Any:
        return _blank_to_none(value)


def _e164(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return to_e164(value)
    except InvalidPhoneNumber as exc:
        raise ValueError(str(exc)) from None


def _zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. America/New_York)") from None
    return value


class DriverRow(_Row):
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=120)
    phone: str | None = None
    carrier: str | None = Field(default=None, max_length=32)
    slack_user_id: str | None = Field(default=None, max_length=32)
    timezone: str | None = None
    active: bool | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _e164(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return _zone(value)


class RouteRow(_Row):
    external_id: str = Field(max_length=64)
    service_date: date
    driver_external_id: str | None = Field(default=None, max_length=64)
    carrier: str | None = Field(default=None, max_length=32)
    shift_start: datetime | None = None
    shift_end: datetime | None = None
    status: Literal["planned", "started", "done"] | None = None


class DeliveryRow(_Row):
    tracking_number: str = Field(max_length=60)
    carrier: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=64)
    recipient_name: str | None = Field(default=None, max_length=120)
    phone: str | None = None
    email: str | None = Field(default=None, max_length=254)
    language: str | None = Field(default=None, max_length=8)
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    postal_code: str | None = Field(default=None, max_length=16)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    timezone: str | None = None
    is_business: bool | None = None
    business_name: str | None = Field(default=None, max_length=120)
    receiving_hours: str | None = Field(default=None, max_length=120)
    dock: str | None = Field(default=None, max_length=120)
    contact_person: str | None = Field(default=None, max_length=120)
    contact_phone: str | None = None
    handling_notes: str | None = None
    declared_value: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    access_code: str | None = Field(default=None, max_length=64, repr=False)
    instructions: str | None = None
    service_date: date | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    route_external_id: str | None = Field(default=None, max_length=64)
    stop_sequence: int | None = Field(default=None, ge=0)

    @field_validator("phone", "contact_phone")
    @classmethod
    def _phones(cls, value: str | None) -> str | None:
        return _e164(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return _zone(value)

    @field_validator("tracking_number")
    @classmethod
    def _normalized(cls, value: str) -> str:
        normalized = normalize_tracking_number(value)
        if not normalized or len(normalized) > 40:
            raise ValueError("a tracking number has 1 to 40 letters and digits")
        return normalized


ROW_MODELS: dict[Kind, type[_Row]] = {
    "deliveries": DeliveryRow,
    "routes": RouteRow,
    "drivers": DriverRow,
}
NATURAL_KEY = {"deliveries": "tracking_number", "routes": "external_id", "drivers": "external_id"}


# --- reading ----------------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], str | None]:
    """(row number, raw fields) for each record, and the kind named by a JSON file if any."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path}: the file is empty") from None
    header = [h.strip().lower() for h in header]
    if len(set(header)) != len(header):
        raise ImportFileError(f"{path}: a column name appears twice in the header")
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            rows.append((line, {"__cells__": f"{len(record)} cells, the header has {len(header)}"}))
            continue
        rows.append((line, dict(zip(header, record, strict=True))))
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


# --- validation -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Valid:
    row: int
    record: Any


def validate(
    kind: Kind,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    operator_pattern: str = r"DS\d{8}",
    on_row: Callable[[], None] | None = None,
) -> tuple[list[_Valid], list[BadRow]]:
    model = ROW_MODELS[kind]
    known = set(model.columns())
    columns = set().union(*(r.keys() for _, r in rows)) - {"__cells__", "__not_an_object__"}
    unknown = sorted(columns - known)
    if unknown:
        raise ImportFileError(
            f"unknown {kind} field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    key = NATURAL_KEY[kind]
    first_seen: dict[str, int] = {}
    valid: list[_Valid] = []
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
        valid.append(_Valid(number, record))
    return valid, bad


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
        and _aware(record.shift_end, "UTC") <= _aware(record.shift_start, "UTC")
    ):
        return ("shift_end", "the shift ends before it starts")
    return None


def _aware(value: datetime, zone: str) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))


# --- writing ----------------------------------------------------------------------------------


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
        kind, rows, operator_pattern=settings.operator_tracking_pattern, on_row=tick
    )
    report = ImportReport(kind=kind, rows=len(rows), all_or_nothing=all_or_nothing)

    async with transaction(sessions) as session:
        bad.extend(await _check_references(session, kind, valid))
        bad_numbers = {b.row for b in bad}
        valid = [v for v in valid if v.row not in bad_numbers]
        report.bad_rows = sorted(bad, key=lambda b: (b.row, b.field))
        if bad and all_or_nothing:
            return report
        tick = progress("writing", len(valid)) if progress else None
        if kind == "drivers":
            await _write_drivers(session, [v.record for v in valid], settings, tick)
        elif kind == "routes":
            await _write_routes(session, [v.record for v in valid], settings, tick)
        else:
            report.events = await _write_deliveries(session, valid, settings, tick)
        report.written = len(valid)
    return report


async def _check_references(session: AsyncSession, kind: Kind, valid: list[_Valid]) -> list[BadRow]:
    """Rows naming a driver or route that is not in the store are bad rows."""
    if kind == "routes":
        column, model, attr = "driver_external_id", Driver, "driver_external_id"
    elif kind == "deliveries":
        column, model, attr = "route_external_id", Route, "route_external_id"
    else:
        return []
    wanted = {getattr(v.record, attr) for v in valid} - {None}
    known: set[str] = set()
    names = sorted(wanted)
    for start in range(0, len(names), 900):
        known.update(
            await session.scalars(
                sa.select(model.external_id).where(
                    model.external_id.in_(names[start : start + 900])
                )
            )
        )
    what = "driver" if kind == "routes" else "route"
    return [
        BadRow(
            v.row,
            column,
            f"no {what} {getattr(v.record, attr)!r} in the store; import the {what}s first",
        )
        for v in valid
        if getattr(v.record, attr) is not None and getattr(v.record, attr) not in known
    ]


async def _carrier_ids(session: AsyncSession, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    now = utcnow()
    await session.execute(
        dialect_insert(session, Carrier).on_conflict_do_nothing(index_elements=["code"]),
        [
            {
                "code": c,
                "name": CARRIER_NAMES.get(c, c.upper()),
                "created_at": now,
                "updated_at": now,
            }
            for c in sorted(codes)
        ],
    )
    rows = await session.execute(sa.select(Carrier.code, Carrier.id).where(Carrier.code.in_(codes)))
    return dict(rows.all())


async def _write_drivers(
    session: AsyncSession, records: list[DriverRow], settings: Settings, tick: Any
) -> None:
    carriers = await _carrier_ids(session, {r.carrier.lower() for r in records if r.carrier})
    now = utcnow()
    for start in range(0, len(records), WRITE_BATCH):
        chunk = records[start : start + WRITE_BATCH]
        for record in chunk:
            values = {
                "external_id": record.external_id,
                "name": record.name,
                "phone": record.phone,
                "carrier_id": carriers.get(record.carrier.lower()) if record.carrier else None,
                "slack_user_id": record.slack_user_id,
                "timezone": record.timezone or settings.operator_timezone,
                "active": True if record.active is None else record.active,
                "updated_at": now,
            }
            stmt = dialect_insert(session, Driver).values(**values, created_at=now)
            await session.execute(
                stmt.on_conflict_do_update(index_elements=["external_id"], set_=values)
            )
            if tick:
                tick()


async def _write_routes(
    session: AsyncSession, records: list[RouteRow], settings: Settings, tick: Any
) -> None:
    carriers = await _carrier_ids(session, {r.carrier.lower() for r in records if r.carrier})
    drivers = dict(
        (
            await session.execute(
                sa.select(Driver.external_id, Driver.id).where(
                    Driver.external_id.in_({r.driver_external_id for r in records} - {None})
                )
            )
        ).all()
    )
    now = utcnow()
    zone = settings.operator_timezone
    for record in records:
        values = {
            "external_id": record.external_id,
            "service_date": record.service_date,
            "driver_id": drivers.get(record.driver_external_id),
            "carrier_id": carriers.get(record.carrier.lower()) if record.carrier else None,
            "shift_start": _aware(record.shift_start, zone) if record.shift_start else None,
            "shift_end": _aware(record.shift_end, zone) if record.shift_end else None,
            "status": record.status or "planned",
            "updated_at": now,
        }
        stmt = dialect_insert(session, Route).values(**values, created_at=now)
        await session.execute(
            stmt.on_conflict_do_update(index_elements=["external_id"], set_=values)
        )
        if tick:
            tick()


def _row_digest(kind: str, record: BaseModel) -> str:
    body = json.dumps(record.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(f"{kind}:{body}".encode()).hexdigest()[:32]


def delivery_events(
    record: DeliveryRow, *, settings: Settings, at: datetime
) -> list[CanonicalEvent]:
    """The canonical events one delivery row stands for: created, and route_assigned."""
    zone = record.timezone or settings.operator_timezone
    carrier = (record.carrier or "").lower() or identify_carrier(
        record.tracking_number, settings.operator_tracking_pattern
    )
    digest = _row_digest("delivery", record)
    details = record.model_dump(
        exclude_none=True,
        exclude={
            "tracking_number",
            "carrier",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "country",
            "timezone",
            "window_start",
            "window_end",
            "route_external_id",
            "stop_sequence",
        },
    )
    address = {
        "line1": record.address_line1,
        "line2": record.address_line2,
        "city": record.city,
        "state": record.state,
        "postal_code": record.postal_code,
        "country": record.country,
        "timezone": record.timezone,
    }
    details["address"] = {k: v for k, v in address.items() if v is not None}
    window = None
    if record.window_start and record.window_end:
        window = {
            "start": _aware(record.window_start, zone),
            "end": _aware(record.window_end, zone),
        }
    events = [
        CanonicalEvent.model_validate(
            {
                "event_id": f"import:{digest}:created",
                "type": "created",
                "occurred_at": at,
                "carrier": carrier,
                "tracking_number": record.tracking_number,
                "delivery": details,
                **({"window": window} if window else {}),
            }
        )
    ]
    if record.route_external_id:
        events.append(
            CanonicalEvent.model_validate(
                {
                    "event_id": f"import:{digest}:route",
                    "type": "route_assigned",
                    "occurred_at": at + timedelta(microseconds=1),
                    "carrier": carrier,
                    "tracking_number": record.tracking_number,
                    "route": {
                        "external_id": record.route_external_id,
                        "sequence": record.stop_sequence,
                    },
                    **({"window": window} if window else {}),
                }
            )
        )
    return events


async def _write_deliveries(
    session: AsyncSession, valid: list[_Valid], settings: Settings, tick: Any
) -> IngestResult:
    at = datetime.now(UTC)
    total = IngestResult()
    for start in range(0, len(valid), WRITE_BATCH):
        chunk = valid[start : start + WRITE_BATCH]
        events = [e for v in chunk for e in delivery_events(v.record, settings=settings, at=at)]
        total.merge(
            await apply_events(
                session,
                events,
                source="import",
                max_customer_rebooks=settings.max_auto_rebooks,
                operator_pattern=settings.operator_tracking_pattern,
                operator_timezone=settings.operator_timezone,
            )
        )
        if tick:
            for _ in chunk:
                tick()
    return total
