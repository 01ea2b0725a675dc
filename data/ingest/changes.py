"""A canonical event as the delivery fields it sets, and as the payload its log row keeps."""

from __future__ import annotations

from datetime import date
from typing import Any

from data.ingest.events import CanonicalEvent
from data.ingest.fold import STOP_SEQUENCE, to_json
from data.ingest.sql import dumps
from data.state_machine import RECORDS_FAILURE_REASON, TAKES_OFF_ROUTE, EventType

# Fields of a canonical event that the event row keeps as columns: not repeated in its payload.
_EVENT_COLUMN_FIELDS = frozenset({"event_id", "type", "reason_code"})


def changes_of(event: CanonicalEvent, *, route: tuple[int, date] | None = None) -> dict[str, Any]:
    """The delivery fields a canonical event sets (route = the resolved (route id, date))."""
    changes: dict[str, Any] = {}
    if event.delivery is not None:
        details = event.delivery.model_dump(exclude_unset=True)
        address = details.pop("address", None) or {}
        for name, value in details.items():
            changes[name] = value
        for name, column in (
            ("line1", "address_line1"),
            ("line2", "address_line2"),
            ("city", "city"),
            ("state", "state"),
            ("postal_code", "postal_code"),
            ("country", "country"),
            ("timezone", "timezone"),
        ):
            if name in address:
                changes[column] = address[name]
    if event.window is not None:
        changes["window_start"] = event.window.start
        changes["window_end"] = event.window.end
    if event.eta is not None:
        changes["eta"] = event.eta
    if route is not None:
        changes["route_id"], service_date = route
        changes["service_date"] = service_date
        if event.route is not None and event.route.sequence is not None:
            changes[STOP_SEQUENCE] = event.route.sequence
    elif event.type in TAKES_OFF_ROUTE:
        changes["route_id"] = None
    if event.pod is not None:
        if event.pod.signed_by:
            changes["signed_by"] = event.pod.signed_by
        if event.pod.photo_urls:
            changes["pod_photo_urls"] = list(event.pod.photo_urls)
    if event.type is EventType.DELIVERED:
        changes["delivered_at"] = event.occurred_at
    if event.reason_code is not None and event.type in RECORDS_FAILURE_REASON:
        changes["failure_reason"] = str(event.reason_code)
    return changes


def _stored_payload(event: CanonicalEvent, changes: dict[str, Any]) -> dict[str, Any]:
    """What the event row keeps: the event as sent (less what the row has as columns: event_id,
    type, reason_code) and the delivery fields it sets (`changes`, what a replay folds)."""
    raw = event.model_dump(mode="json", exclude=_EVENT_COLUMN_FIELDS, exclude_none=True)
    if raw.get("delivery", {}).get("access_code"):
        raw["delivery"]["access_code"] = "***"  # the secret lives on the delivery only once
    return {"event": raw, "changes": to_json(changes)}


def stored_payload_json(event: CanonicalEvent, changes: dict[str, Any]) -> str:
    """`_stored_payload` as JSON text, serialized once (pydantic's own JSON for the event)."""
    if event.delivery is not None and event.delivery.access_code:
        return dumps(_stored_payload(event, changes))
    raw = event.model_dump_json(exclude=_EVENT_COLUMN_FIELDS, exclude_none=True)
    return '{"event":' + raw + ',"changes":' + dumps(to_json(changes)) + "}"
