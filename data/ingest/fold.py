"""A delivery's log, folded through the state machine: pure, no I/O.

A delivery is the fold of its event log in (occurred_at, source, source_event_id) order. Each
event carries `changes` (the delivery fields it sets, computed once at ingest and stored on the
event row), so replaying the log gives the same delivery whatever order the events arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from data.state_machine import DEFAULT_MAX_CUSTOMER_REBOOKS, Decision, decide
from data.types import DeliveryStatus

# Sources that speak for the customer (a rebook from them is limited by the state machine).
CUSTOMER_SOURCES = frozenset({"sms", "customer"})

# The delivery fields an event may set, with their type (for the JSON round trip).
CHANGEABLE: dict[str, type] = {
    "external_id": str,
    "recipient_name": str,
    "phone": str,
    "email": str,
    "language": str,
    "address_line1": str,
    "address_line2": str,
    "city": str,
    "state": str,
    "postal_code": str,
    "country": str,
    "timezone": str,
    "is_business": bool,
    "business_name": str,
    "receiving_hours": str,
    "dock": str,
    "contact_person": str,
    "contact_phone": str,
    "handling_notes": str,
    "declared_value": Decimal,
    "access_code": str,
    "instructions": str,
    "service_date": date,
    "window_start": datetime,
    "window_end": datetime,
    "eta": datetime,
    "route_id": int,
    "delivered_at": datetime,
    "signed_by": str,
    "pod_photo_urls": list,
    "failure_reason": str,
    "address_corrected_at": datetime,
}
STOP_SEQUENCE = "_stop_sequence"  # not a delivery column: the stop's place on its route

# Every field the fold owns on a delivery row (read before, written after).
FOLDED = ("status", "status_changed_at", "last_event_at", "events_watermark", "attempt_count")
STATE_FIELDS = (*FOLDED, *CHANGEABLE)

# What a field is reset to before a replay (the model's defaults).
DEFAULTS: dict[str, Any] = {
    "status": DeliveryStatus.CREATED,
    "attempt_count": 0,
    "language": "en",
    "country": "US",
    "timezone": "America/New_York",
    "is_business": False,
    "pod_photo_urls": [],
}


def to_json(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if isinstance(value, datetime | date):
            out[name] = value.isoformat()
        elif isinstance(value, Decimal):
            out[name] = str(value)
        else:
            out[name] = value
    return out


def from_json(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in changes.items():
        kind = CHANGEABLE.get(name)
        if value is None or kind is None:
            out[name] = value
        elif kind is datetime:
            out[name] = datetime.fromisoformat(value)
        elif kind is date:
            out[name] = date.fromisoformat(value)
        elif kind is Decimal:
            out[name] = Decimal(value)
        else:
            out[name] = value
    return out


@dataclass(slots=True)
class LogEntry:
    """One event of a delivery's log, and what the fold decided about it."""

    source: str
    source_event_id: str
    type: str
    occurred_at: datetime
    reason_code: str | None
    changes: dict[str, Any]
    row_id: int | None = None  # set for events already in the store
    applied: bool | None = None
    from_status: str | None = None
    to_status: str | None = None
    rejected_reason: str | None = None

    @property
    def key(self) -> tuple[datetime, str, str]:
        return (self.occurred_at, self.source, self.source_event_id)

    def outcome(self) -> tuple[bool | None, str | None, str | None, str | None]:
        return (self.applied, self.from_status, self.to_status, self.rejected_reason)


@dataclass(slots=True)
class FoldResult:
    state: dict[str, Any]
    decisions: list[tuple[LogEntry, Decision]] = field(default_factory=list)
    changed_old: list[LogEntry] = field(default_factory=list)  # stored outcomes that flipped


def step(state: dict[str, Any], entry: LogEntry, *, max_customer_rebooks: int) -> Decision:
    """Apply one event to `state` in place if the state machine allows it."""
    decision = decide(
        state["status"],
        entry.type,
        attempt_count=state["attempt_count"],
        by_customer=entry.source in CUSTOMER_SOURCES,
        max_customer_rebooks=max_customer_rebooks,
    )
    entry.from_status = str(decision.from_status)
    watermark = state.get("events_watermark")
    if watermark is None or entry.occurred_at > watermark:
        state["events_watermark"] = entry.occurred_at
    if not decision.allowed:
        entry.applied, entry.to_status = False, None
        entry.rejected_reason = decision.reason
        return decision
    entry.applied, entry.to_status, entry.rejected_reason = True, str(decision.to_status), None
    for name, value in entry.changes.items():
        if name in CHANGEABLE:
            state[name] = list(value) if isinstance(value, list) else value
    if "window_start" in entry.changes and "service_date" not in entry.changes:
        start = entry.changes["window_start"]
        if start is not None:
            state["service_date"] = start.astimezone(_zone(state.get("timezone"))).date()
    if decision.counts_attempt:
        state["attempt_count"] = (state["attempt_count"] or 0) + 1
    if decision.status_changed:
        state["status"] = decision.to_status
        state["status_changed_at"] = entry.occurred_at
    state["last_event_at"] = entry.occurred_at
    return decision


def needs_replay(state: dict[str, Any], new: list[LogEntry]) -> bool:
    """True when an arriving event is not newer than everything already in the log."""
    watermark = state.get("events_watermark")
    return watermark is not None and min(e.occurred_at for e in new) <= watermark


def fold(
    state: dict[str, Any],
    new: list[LogEntry],
    *,
    log: list[LogEntry] | None = None,
    max_customer_rebooks: int = DEFAULT_MAX_CUSTOMER_REBOOKS,
) -> FoldResult:
    """The delivery after `new` events: applied on top of `state`, or, when `log` (the stored
    events) is given, by replaying log + new from the start in occurred_at order."""
    if log is None:
        state = dict(state)
        result = FoldResult(state)
        for entry in sorted(new, key=lambda e: e.key):
            result.decisions.append(
                (entry, step(state, entry, max_customer_rebooks=max_customer_rebooks))
            )
        return result

    entries = sorted([*log, *new], key=lambda e: e.key)
    touched: set[str] = set()
    for entry in entries:
        touched.update(entry.changes)
        if "window_start" in entry.changes:
            touched.add("service_date")
    baseline = dict(state)
    for name in (*FOLDED, *touched):
        if name in CHANGEABLE or name in FOLDED:
            default = DEFAULTS.get(name)
            baseline[name] = list(default) if isinstance(default, list) else default
    result = FoldResult(baseline)
    for entry in entries:
        before = entry.outcome() if entry.row_id is not None else None
        decision = step(baseline, entry, max_customer_rebooks=max_customer_rebooks)
        result.decisions.append((entry, decision))
        if before is not None and before != entry.outcome():
            result.changed_old.append(entry)
    return result


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
