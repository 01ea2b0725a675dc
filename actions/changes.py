"""The delivery changes a customer can make by SMS, each recorded as an event on the delivery.

Every function takes the open transaction's session; the webhook commits them together with
the inbound message's outcome, the reply and the outbox events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.delivery_log import record
from actions.driver import notify_driver
from data.models import Delivery, Route, RouteStop
from flows.instructions import ON_THE_ROAD


@dataclass(frozen=True, slots=True)
class Turn:
    """Who is texting, when, and the message that led to these changes."""

    phone: str
    now: datetime
    message_sid: str
    operator_tz: str
    max_auto_rebooks: int
    conversation_id: int | None = None  # the thread the message is in

    def event_id(self, n: int) -> str:
        return f"{self.message_sid}:{n}"

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.operator_tz)).date()


async def _log(
    session: AsyncSession, turn: Turn, n: int, delivery: Delivery, type: str, **fields: Any
) -> None:
    """Record this turn's n-th change on the delivery (ActionRefused when not allowed)."""
    await record(
        session,
        delivery=delivery,
        type=type,
        occurred_at=turn.now,
        source_event_id=turn.event_id(n),
        max_customer_rebooks=turn.max_auto_rebooks,
        **fields,
    )


async def load(
    session: AsyncSession, delivery_id: int
) -> tuple[Delivery, Route | None, int | None]:
    """The delivery, its route and its stop number there (read before the event moves it)."""
    delivery = await session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise LookupError(f"delivery {delivery_id} disappeared")
    if delivery.route_id is None:
        return delivery, None, None
    route = await session.get(Route, delivery.route_id)
    stop = await session.scalar(
        select(RouteStop.sequence).where(
            RouteStop.route_id == delivery.route_id, RouteStop.delivery_id == delivery.id
        )
    )
    return delivery, route, stop


def _todays(route: Route | None, turn: Turn) -> Route | None:
    return route if route is not None and route.service_date == turn.today else None


async def reschedule(
    session: AsyncSession, turn: Turn, n: int, *, delivery_id: int, start: datetime, end: datetime
) -> None:
    """A new window; off its old route when the day changes; today's driver is told."""
    delivery, route, stop = await load(session, delivery_id)
    new_day = start.astimezone(ZoneInfo(turn.operator_tz)).date()
    leaves_route = route is not None and route.service_date != new_day
    changes: dict = {"window_start": start, "window_end": end, "service_date": new_day}
    if leaves_route:
        changes["route_id"] = None
    await _log(
        session,
        turn,
        n,
        delivery,
        "rescheduled",
        reason_code="customer_requested_reschedule",
        **changes,
    )
    today = _todays(route, turn)
    if today is not None:
        note = (
            "Customer rebooked this stop to another day: skip it."
            if leaves_route
            else (
                f"Customer moved this stop to {start.astimezone(ZoneInfo(turn.operator_tz)):%H:%M}-"
                f"{end.astimezone(ZoneInfo(turn.operator_tz)):%H:%M}."
            )
        )
        await notify_driver(
            session, delivery=delivery, route=today, stop=stop, kind="rescheduled", note=note
        )


async def update_address(
    session: AsyncSession,
    turn: Turn,
    n: int,
    *,
    delivery_id: int,
    line1: str | None,
    line2: str | None,
) -> None:
    """The corrected address, and when it was corrected: after a failed attempt for an
    incomplete address the record then says it is fixed, whatever the conversation remembers."""
    delivery, route, stop = await load(session, delivery_id)
    changes: dict = {"address_line2": line2, "address_corrected_at": turn.now}
    if line1:
        changes["address_line1"] = line1
    await _log(session, turn, n, delivery, "updated", payload={"what": "address"}, **changes)
    today = _todays(route, turn)
    if today is not None:
        await notify_driver(
            session,
            delivery=delivery,
            route=today,
            stop=stop,
            kind="address",
            note=f"Address corrected: {delivery.address_one_line}",
        )


async def save_instructions(
    session: AsyncSession,
    turn: Turn,
    n: int,
    *,
    delivery_id: int,
    instructions: str | None,
    access_code: str | None,
) -> None:
    delivery, route, stop = await load(session, delivery_id)
    changes: dict = {}
    if instructions:
        changes["instructions"] = instructions
    if access_code:
        changes["access_code"] = access_code
    await _log(session, turn, n, delivery, "updated", payload={"what": "instructions"}, **changes)
    today = _todays(route, turn)
    if today is not None and str(delivery.status) in ON_THE_ROAD:
        await notify_driver(
            session,
            delivery=delivery,
            route=today,
            stop=stop,
            kind="instructions",
            note=instructions or "New access code.",
            access_code=access_code,
        )


async def return_to_sender(session: AsyncSession, turn: Turn, n: int, *, delivery_id: int) -> None:
    """The customer refused: the package goes back; today's driver skips the stop."""
    await _off_the_route(
        session,
        turn,
        n,
        delivery_id=delivery_id,
        type="return_to_sender",
        reason_code="refused",
        note="Customer refused: return to sender.",
    )


async def hold_for_pickup(session: AsyncSession, turn: Turn, n: int, *, delivery_id: int) -> None:
    await _off_the_route(
        session,
        turn,
        n,
        delivery_id=delivery_id,
        type="held_for_pickup",
        reason_code="customer_requested_reschedule",
        note="Customer will pick up at the depot: skip this stop.",
    )


async def _off_the_route(
    session: AsyncSession,
    turn: Turn,
    n: int,
    *,
    delivery_id: int,
    type: str,
    reason_code: str,
    note: str,
) -> None:
    delivery, route, stop = await load(session, delivery_id)
    await _log(session, turn, n, delivery, type, reason_code=reason_code, route_id=None)
    today = _todays(route, turn)
    if today is not None:
        await notify_driver(
            session, delivery=delivery, route=today, stop=stop, kind=type, note=note
        )
