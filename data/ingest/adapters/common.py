"""What every adapter returns, and the helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from data.ingest.events import CanonicalEvent


@dataclass(slots=True)
class Translation:
    """Canonical events from one webhook, or why there are none (ignored -> 202)."""

    events: list[CanonicalEvent] = field(default_factory=list)
    ignored: str | None = None


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
