"""What every adapter returns, and the helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from data.ingest.events import CanonicalEvent

if TYPE_CHECKING:
    from bot.settings import Settings

DEFAULT_ZONE = "America/New_York"  # Settings.operator_timezone's default


@dataclass(frozen=True, slots=True)
class OptOut:
    """A recipient who told a delivery system's SMS to stop (for the consent ledger)."""

    phone: str  # E.164
    at: datetime
    keyword: str | None = None


@dataclass(slots=True)
class Translation:
    """Canonical events from one webhook, or why there are none (ignored -> 202); a webhook
    about consent carries opt-outs instead."""

    events: list[CanonicalEvent] = field(default_factory=list)
    ignored: str | None = None
    opt_outs: list[OptOut] = field(default_factory=list)


class AdapterError(ValueError):
    """A payload that is not shaped like the source's webhook (-> 422, nothing written)."""

    def __init__(self, reason: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details or []


def ignored(reason: str) -> Translation:
    return Translation([], reason)


def build_event(fields: dict[str, Any], *, source: str) -> CanonicalEvent:
    """A canonical event from translated fields; a bad field becomes an AdapterError."""
    try:
        return CanonicalEvent.model_validate(fields)
    except ValidationError as exc:
        details = [
            {"loc": ".".join(str(p) for p in e["loc"]) or "event", "msg": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise AdapterError(f"{source} payload does not make a valid event", details) from None


def require(mapping: Any, key: str, *, where: str) -> Any:
    if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
        raise AdapterError(f"{where}.{key} is missing")
    return mapping[key]


def text(mapping: dict[str, Any], key: str, *, where: str) -> str | None:
    """mapping[key] as text, None when absent; anything else is a malformed payload."""
    value = mapping.get(key)
    if value is None or isinstance(value, str):
        return value
    raise AdapterError(f"{where}.{key} is not text: {value!r}"[:200])


def object_at(mapping: dict[str, Any], key: str, *, where: str) -> dict[str, Any]:
    """mapping[key] as an object, {} when absent or null; anything else is malformed."""
    value = mapping.get(key)
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise AdapterError(f"{where}.{key} is not an object")


def list_at(mapping: dict[str, Any], key: str, *, where: str) -> list[Any]:
    """mapping[key] as a list, [] when absent or null; anything else is malformed."""
    value = mapping.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise AdapterError(f"{where}.{key} is not a list")


def from_epoch_ms(value: Any, *, where: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise AdapterError(f"{where} is not a time in epoch milliseconds: {value!r}") from None


def aware(value: Any) -> datetime | None:
    """An ISO 8601 time with an offset, or None (times without a zone are not guessed)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def operator_zone(settings: Settings | None) -> ZoneInfo:
    """The operator's time zone: where a date or a time without a zone is read."""
    return ZoneInfo(settings.operator_timezone if settings else DEFAULT_ZONE)


def local_time(value: Any, zone: tzinfo) -> datetime | None:
    """An ISO 8601 time; one without an offset is read in `zone`. None if it is not a time."""
    if not isinstance(value, str) or not value.strip() or day_of(value) is not None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def day_of(value: Any) -> date | None:
    """A date alone ("2026-11-24"), or None."""
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """A date-only estimate means "by the end of that day", where the parcel is delivered."""
    return datetime.combine(day, time(23, 59), zone)


def estimate(value: Any, zone: tzinfo, *, day_start: bool = False) -> datetime | None:
    """A delivery estimate as an aware time: with an offset as given, a time without one in
    `zone`, a date alone as the end of that day in `zone` (its start with day_start)."""
    day = day_of(value)
    if day is not None:
        return datetime.combine(day, time(0, 0), zone) if day_start else end_of_day(day, zone)
    return local_time(value, zone)
