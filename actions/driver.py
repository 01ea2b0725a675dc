"""Tell the assigned driver about a change to a stop on today's route."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from data.models import Delivery, Route
from data.outbox import add_event


async def notify_driver(
    session: AsyncSession,
    *,
    delivery: Delivery,
    route: Route,
    stop: int | None,
    kind: str,
    note: str,
    access_code: str | None = None,
) -> None:
    """A "driver.note" event addressed to the route's driver: the only place a code goes."""
    payload = {
        "driver_id": route.driver_id,
        "route_id": route.id,
        "delivery_id": delivery.id,
        "tracking_number": delivery.tracking_number,
        "stop": stop,
        "kind": kind,
        "note": note,
    }
    if access_code:
        payload["access_code"] = access_code
    add_event(session, "driver.note", payload, key=str(route.driver_id or route.id))
