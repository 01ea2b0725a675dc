"""EasyPost tracker webhooks (Event objects, tracker.created / tracker.updated) -> canonical.

The event id is EasyPost's Event id (evt_...), so its at-least-once retries are duplicates.
The delivery is (carrier, tracking_code) with the carrier lower-cased ("USPS" -> "usps").
The time is the newest tracking_details[].datetime, else the tracker's updated_at. A return
tracker (is_return) is the parcel going back: delivered -> returned. A date-only
est_delivery_date is the end of that day in the operator's time zone (OPERATOR_TIMEZONE): the
tracker does not say where the parcel is delivered.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from data.ingest.adapters.common import (
    AdapterError,
    Translation,
    aware,
    build_event,
    estimate,
    ignored,
    list_at,
    operator_zone,
    require,
    text,
)
from data.reason_codes import ReasonCode, to_canonical

if TYPE_CHECKING:
    from bot.settings import Settings

TRACKER_EVENTS = ("tracker.created", "tracker.updated")
DELAY_DETAILS = frozenset({"delayed", "weather_delay", "transit_exception"})

# tracker.status -> canonical event type (None: nothing for the delivery to do).
STATUS_TYPES: dict[str, str | None] = {
    "pre_transit": "created",
    "in_transit": None,
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
    "available_for_pickup": "held_for_pickup",
    "return_to_sender": "return_to_sender",
    "failure": "failed_attempt",
    "cancelled": "cancelled",
    "error": None,
    "unknown": None,
}

# A return tracker (is_return) follows the parcel back to the sender: 'delivered' is delivered
# to the sender, i.e. returned; while it moves it is on its way back (return_to_sender), never
# "out for delivery" or a failed attempt at the recipient's door; its estimate is the sender's.
RETURN_TYPES = {"delivered": "returned", "cancelled": "cancelled"}
RETURN_IGNORED = frozenset({"pre_transit", "error", "unknown"})  # a label, not yet moving


def translate(payload: Any, *, settings: Settings | None = None) -> Translation:
    """One EasyPost Event body -> canonical events (or the reason it is ignored)."""
    if not isinstance(payload, dict):
        raise AdapterError("an EasyPost webhook body is a JSON object (an Event)")
    description = require(payload, "description", where="event")
    if description not in TRACKER_EVENTS:
        return ignored(f"EasyPost {description} is not a tracker event")
    event_id = require(payload, "id", where="event")
    tracker = require(payload, "result", where="event")
    tracking_code = require(tracker, "tracking_code", where="result")
    carrier = require(tracker, "carrier", where="result")
    status = text(tracker, "status", where="result") or "unknown"
    if status not in STATUS_TYPES:
        raise AdapterError(f"result.status {status!r} is not an EasyPost tracker status")
    detail = text(tracker, "status_detail", where="result")
    eta = _eta(tracker, operator_zone(settings))
    event_type = STATUS_TYPES[status]
    if tracker.get("is_return") is True:
        if status in RETURN_IGNORED:
            return ignored(f"EasyPost return tracker {status!r} says nothing about the delivery")
        event_type, eta = RETURN_TYPES.get(status, "return_to_sender"), None
    elif status == "in_transit":
        if eta is None:
            return ignored("EasyPost in_transit without a new delivery estimate")
        event_type = "delayed" if detail in DELAY_DETAILS else "updated"
    if event_type is None:
        return ignored(f"EasyPost status {status!r} says nothing about the delivery")

    event: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "occurred_at": _occurred_at(payload, tracker),
        "carrier": str(carrier).lower(),
        "tracking_number": tracking_code,
        "reason_detail": detail,
    }
    if eta is not None and event_type in ("updated", "delayed", "out_for_delivery"):
        event["eta"] = eta
    if event_type == "failed_attempt":
        event["reason_code"] = str(to_canonical("easypost", detail))
    elif event_type == "return_to_sender":
        reason = to_canonical("easypost", detail)
        event["reason_code"] = str(
            reason if reason is not ReasonCode.OTHER else ReasonCode.RETURNING_TO_SENDER
        )
    elif event_type == "held_for_pickup" and detail:
        event["reason_code"] = str(to_canonical("easypost", detail))
    elif event_type == "delivered" and tracker.get("signed_by"):
        event["pod"] = {"signed_by": tracker["signed_by"]}
    return Translation(
        [build_event({k: v for k, v in event.items() if v is not None}, source="easypost")]
    )


def _occurred_at(payload: dict[str, Any], tracker: dict[str, Any]) -> datetime:
    times = [
        aware(d.get("datetime"))
        for d in list_at(tracker, "tracking_details", where="result")
        if isinstance(d, dict)
    ]
    times = [t for t in times if t is not None]
    if times:
        return max(times)
    for value in (tracker.get("updated_at"), payload.get("updated_at"), payload.get("created_at")):
        parsed = aware(value)
        if parsed is not None:
            return parsed
    raise AdapterError("no time in the tracker: tracking_details[].datetime or updated_at")


def _eta(tracker: dict[str, Any], zone: tzinfo) -> datetime | None:
    return estimate(tracker.get("est_delivery_date"), zone)
