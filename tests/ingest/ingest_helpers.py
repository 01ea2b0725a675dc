"""Builders for canonical events in the ingest tests, and reading back what the store holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from data.ingest.events import CanonicalEvent
from data.models import Delivery

MORNING = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 8:00 in New York


def event(
    event_id: str,
    type: str,
    minutes: int,
    *,
    tracking_number: str = "DS20461187",
    **fields: Any,
) -> CanonicalEvent:
    """A canonical event `minutes` after the morning of the test day."""
    return CanonicalEvent.model_validate(
        {
            "event_id": event_id,
            "type": type,
            "occurred_at": (MORNING + timedelta(minutes=minutes)).isoformat(),
            "tracking_number": tracking_number,
            **fields,
        }
    )


def created(event_id: str = "c1", minutes: int = 0, **details: Any) -> CanonicalEvent:
    delivery = {
        "recipient_name": "Dana Whitfield",
        "phone": "(201) 555-0123",
        "address": {
            "line1": "14 Orchard St",
            "line2": "Apt 3B",
            "city": "Hoboken",
            "state": "NJ",
            "postal_code": "07030",
            "timezone": "America/New_York",
        },
        "access_code": "2291",
        **details,
    }
    return event(event_id, "created", minutes, delivery=delivery)


def a_day_on_the_road(tracking_number: str = "DS20461187") -> list[CanonicalEvent]:
    """Created, planned on a route, out, arriving, a failed attempt, then delivered next time."""
    t = tracking_number
    return [
        event(f"{t}-c", "created", 0, tracking_number=t, delivery={"recipient_name": "Dana"}),
        event(
            f"{t}-r",
            "route_assigned",
            10,
            tracking_number=t,
            route={"external_id": "R-NWK-07", "driver": {"external_id": "drv-7", "name": "Luis"}},
            window={
                "start": (MORNING + timedelta(hours=2)).isoformat(),
                "end": (MORNING + timedelta(hours=4)).isoformat(),
            },
        ),
        event(f"{t}-o", "out_for_delivery", 60, tracking_number=t),
        event(f"{t}-a", "arriving", 150, tracking_number=t),
        event(f"{t}-f", "failed_attempt", 155, tracking_number=t, reason_code="no_access"),
        event(
            f"{t}-d",
            "delayed",
            160,
            tracking_number=t,
            eta=(MORNING + timedelta(days=1)).isoformat(),
        ),
        event(f"{t}-o2", "out_for_delivery", 24 * 60 + 60, tracking_number=t),
        event(
            f"{t}-ok",
            "delivered",
            24 * 60 + 120,
            tracking_number=t,
            pod={"photo_urls": ["https://pod.example/1.jpg"], "signed_by": "D. Whitfield"},
        ),
    ]


async def stored_delivery(sessions, tracking_number: str = "DS20461187") -> Delivery:
    async with sessions() as session:
        return await session.scalar(
            sa.select(Delivery).where(Delivery.tracking_number == tracking_number)
        )


async def count_rows(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(model))


def snapshot(delivery: Delivery) -> dict:
    return {
        name: getattr(delivery, name)
        for name in (
            "status",
            "attempt_count",
            "failure_reason",
            "eta",
            "window_start",
            "window_end",
            "service_date",
            "route_id",
            "delivered_at",
            "signed_by",
            "pod_photo_urls",
            "recipient_name",
            "last_event_at",
            "status_changed_at",
        )
    }
