"""The canonical events one imported delivery row stands for, with ids stable across re-imports."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from pydantic import BaseModel

from bot.settings import Settings
from data.ingest.events import CanonicalEvent
from data.ingest.importer.rows import DeliveryRow, aware
from data.tracking import identify_carrier


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
            "start": aware(record.window_start, zone),
            "end": aware(record.window_end, zone),
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
