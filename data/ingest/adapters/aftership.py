"""AfterShip tracking webhooks (tracking_update, edd_revise) -> canonical events.

The event id is AfterShip's event_id (a UUID). The delivery is (slug, tracking_number). The
time is the newest checkpoint's time (one without an offset read in the offset of the nearest
checkpoint that has one, else the operator's zone), else msg.updated_at, else ts.
Estimates (latest_estimated_delivery, expected_delivery) given as a date alone are the end of
that day, and times without an offset are read, in the operator's time zone (OPERATOR_TIMEZONE):
AfterShip does not say where the parcel is delivered. A range (datetime_min/datetime_max) is the
event's window.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from data.ingest.adapters.common import (
    AdapterError,
    Translation,
    aware,
    build_event,
    estimate,
    ignored,
    list_at,
    local_time,
    operator_zone,
    require,
    text,
)
from data.reason_codes import ReasonCode, to_canonical

if TYPE_CHECKING:
    from bot.settings import Settings

# tag -> canonical event type (None: nothing for the delivery to do).
TAG_TYPES: dict[str, str | None] = {
    "InfoReceived": "created",
    "InTransit": None,
    "OutForDelivery": "out_for_delivery",
    "AttemptFail": "failed_attempt",
    "Delivered": "delivered",
    "AvailableForPickup": "held_for_pickup",
    "Exception": None,  # by subtag, below
    "Expired": None,
    "Pending": None,
}

# Exception subtags -> event type; DELAY_SUBTAGS are delays (with a new estimate, else
# ignored, as EasyPost's delays are), the rest a failed attempt that dispatch must look at.
EXCEPTION_TYPES = {
    "Exception_003": "return_to_sender",  # refused by the customer
    "Exception_010": "return_to_sender",
    "Exception_011": "returned",
    "Exception_020": "cancelled",
    "Exception_006": "held_for_pickup",  # held for payment
}
DELAY_SUBTAGS = frozenset(
    {"Exception_004", "Exception_005", "Exception_016", "Exception_017", "Exception_019"}
)


def translate(payload: Any, *, settings: Settings | None = None) -> Translation:
    """One AfterShip webhook body -> canonical events (or the reason it is ignored)."""
    if not isinstance(payload, dict):
        raise AdapterError("an AfterShip webhook body is a JSON object")
    kind = payload.get("event") or "tracking_update"
    if kind not in ("tracking_update", "edd_revise"):
        return ignored(f"AfterShip {kind} does not change a delivery")
    event_id = require(payload, "event_id", where="body")
    msg = require(payload, "msg", where="body")
    tracking_number = require(msg, "tracking_number", where="msg")
    slug = require(msg, "slug", where="msg")
    tag = text(msg, "tag", where="msg")
    if tag not in TAG_TYPES:
        raise AdapterError(f"msg.tag {tag!r} is not an AfterShip delivery status")
    subtag = text(msg, "subtag", where="msg") or f"{tag}_001"
    subtag_message = text(msg, "subtag_message", where="msg")
    zone = operator_zone(settings)
    eta, window = _estimate(msg, zone)
    estimated = eta is not None or window is not None

    if kind == "edd_revise":
        if not estimated:
            return ignored("AfterShip edd_revise without an estimated delivery time")
        event_type: str | None = "delayed"
    elif tag == "Exception" and subtag in DELAY_SUBTAGS:
        # A delay (customs, weather, a late flight) is not an attempt at the door: counted as
        # a failed attempt it would tell the customer we missed them and use up their rebooks.
        if not estimated:
            return ignored(f"AfterShip {subtag} (a delay) without a new delivery estimate")
        event_type = "delayed"
    elif tag == "Exception":
        event_type = EXCEPTION_TYPES.get(subtag, "failed_attempt")
    elif tag == "InTransit":
        if not estimated:
            return ignored("AfterShip InTransit without a new delivery estimate")
        event_type = "updated"
    else:
        event_type = TAG_TYPES[tag]
    if event_type is None:
        return ignored(f"AfterShip {tag} says nothing about the delivery")

    event: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "occurred_at": _occurred_at(payload, msg, zone),
        "carrier": str(slug).lower(),
        "tracking_number": tracking_number,
        "reason_detail": " - ".join(p for p in (subtag, subtag_message) if p) or None,
    }
    if event_type in ("delayed", "updated", "out_for_delivery"):
        event["eta"], event["window"] = eta, window
    if event_type in ("failed_attempt", "return_to_sender", "held_for_pickup", "returned"):
        reason = to_canonical("aftership", subtag)
        if event_type == "failed_attempt" or reason is not ReasonCode.OTHER:
            event["reason_code"] = str(reason)
    if event_type == "delivered" and msg.get("signed_by"):
        event["pod"] = {"signed_by": msg["signed_by"]}
    clean = {k: v for k, v in event.items() if v is not None}
    return Translation([build_event(clean, source="aftership")])


def _occurred_at(payload: dict[str, Any], msg: dict[str, Any], zone: tzinfo) -> datetime:
    checkpoints = [c for c in list_at(msg, "checkpoints", where="msg") if isinstance(c, dict)]
    times = _checkpoint_times([c.get("checkpoint_time") for c in checkpoints], zone)
    if times:
        return max(times)
    parsed = aware(msg.get("updated_at"))
    if parsed is not None:
        return parsed
    ts = payload.get("ts")
    if isinstance(ts, int | float):
        return datetime.fromtimestamp(ts, tz=UTC)
    raise AdapterError("no time in the webhook: checkpoints, msg.updated_at or ts")


def _checkpoint_times(values: list[Any], zone: tzinfo) -> list[datetime]:
    """Checkpoint times; carriers often give local times without an offset: each is read in
    the offset of the nearest checkpoint that has one (same carrier, likely the same place),
    else in `zone`, so the newest checkpoint is not passed over for an older one."""
    zoned = [aware(value) for value in values]
    times = []
    for index, value in enumerate(values):
        if zoned[index] is not None:
            times.append(zoned[index])
            continue
        nearest = min(
            ((abs(other - index), t) for other, t in enumerate(zoned) if t is not None),
            key=lambda pair: pair[0],
            default=None,
        )
        here = nearest[1].tzinfo if nearest else zone
        parsed = local_time(value, here)
        if parsed is not None:
            times.append(parsed)
    return times


def _estimate(
    msg: dict[str, Any], zone: tzinfo
) -> tuple[datetime | None, dict[str, datetime] | None]:
    """The estimated delivery as (eta, window): a date alone is the end of that day in `zone`,
    a range (datetime_min/datetime_max) a window from the first day's start to the last's end."""
    latest = msg.get("latest_estimated_delivery")
    latest = latest if isinstance(latest, dict) else {}
    eta = estimate(latest.get("datetime"), zone)
    start = estimate(latest.get("datetime_min"), zone, day_start=True)
    end = estimate(latest.get("datetime_max"), zone)
    window = {"start": start, "end": end} if start and end and end > start else None
    if eta is None and window is None:
        eta = end or estimate(msg.get("expected_delivery"), zone)
    return eta, window
