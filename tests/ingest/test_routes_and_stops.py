"""Routes and their stops from delivery-system events: assigned, pulled off, in any order."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from ingest_helpers import (
    MORNING,
    a_day_on_the_road,
    count_rows,
    created,
    event,
    snapshot,
    stored_delivery,
)

from data.ingest.apply import ingest_events, record_event
from data.models import Delivery, DeliveryEvent, OutboxEvent, Route, RouteStop
from data.types import DeliveryStatus


def _on_route(route: str = "R-NWK-07", minutes: int = 10, event_id: str = "r1", **extra):
    return event(
        event_id,
        "route_assigned",
        minutes,
        route={"external_id": route, "driver": {"external_id": "drv-7"}, "sequence": 4},
        **extra,
    )


async def _stops(sessions) -> list[tuple[int, int, int]]:
    async with sessions() as session:
        rows = await session.execute(
            sa.select(RouteStop.route_id, RouteStop.delivery_id, RouteStop.sequence)
        )
        return [tuple(row) for row in rows]


async def test_dispatch_pulling_a_stop_off_its_route_clears_the_route_and_its_stop(
    sessions,
) -> None:
    await ingest_events(sessions, [created(), _on_route()], source="dms")
    delivery = await stored_delivery(sessions)
    assert delivery.route_id is not None
    assert await _stops(sessions) == [(delivery.route_id, delivery.id, 4)]

    unassigned = event("u1", "route_unassigned", 20)
    result = await ingest_events(sessions, [unassigned], source="dms")

    assert (result.applied, result.duplicates, len(result.rejected)) == (1, 0, 0)
    delivery = await stored_delivery(sessions)
    assert delivery.route_id is None
    assert delivery.status is DeliveryStatus.SCHEDULED
    assert await _stops(sessions) == []
    async with sessions() as session:
        row = await session.scalar(
            sa.select(DeliveryEvent).where(DeliveryEvent.source_event_id == "u1")
        )
        announced = await session.scalar(
            sa.select(OutboxEvent.payload)
            .where(OutboxEvent.topic == "delivery.updated")
            .order_by(OutboxEvent.id.desc())
        )
    assert row.payload["changes"] == {"route_id": None}
    assert announced["event_type"] == "route_unassigned" and announced["changed"] == ["route_id"]

    # The same webhook again: a no-op.
    before, outbox_before = snapshot(delivery), await count_rows(sessions, OutboxEvent)
    again = await ingest_events(sessions, [unassigned], source="dms")
    assert (again.applied, again.duplicates) == (0, 1)
    assert snapshot(await stored_delivery(sessions)) == before
    assert await count_rows(sessions, OutboxEvent) == outbox_before
    assert await _stops(sessions) == []


async def test_a_late_route_assignment_older_than_the_unassignment_leaves_it_off(
    sessions,
) -> None:
    await ingest_events(
        sessions,
        [created(), _on_route(), event("u1", "route_unassigned", 30)],
        source="dms",
    )
    # Sent before the unassignment, delivered after it (a retry): the log is replayed.
    late = _on_route("R-NWK-08", minutes=20, event_id="r2")
    result = await ingest_events(sessions, [late], source="dms")

    assert (result.applied, len(result.rejected)) == (1, 0)
    delivery = await stored_delivery(sessions)
    assert delivery.route_id is None
    assert delivery.status is DeliveryStatus.SCHEDULED
    assert await _stops(sessions) == []

    # A newer assignment does put it back on a route.
    newer = _on_route("R-NWK-08", minutes=40, event_id="r3")
    await ingest_events(sessions, [newer], source="dms")
    delivery = await stored_delivery(sessions)
    async with sessions() as session:
        route = await session.scalar(sa.select(Route).where(Route.external_id == "R-NWK-08"))
    assert delivery.route_id == route.id
    assert await _stops(sessions) == [(route.id, delivery.id, 4)]


async def test_a_stop_unassigned_on_the_way_is_back_to_scheduled_in_any_arrival_order(
    sessions,
) -> None:
    events = [
        created(),
        _on_route(),
        event("o1", "out_for_delivery", 60),
        event("u1", "route_unassigned", 90),
    ]
    await ingest_events(sessions, events, source="dms")
    in_order = snapshot(await stored_delivery(sessions))
    assert in_order["status"] is DeliveryStatus.SCHEDULED and in_order["route_id"] is None

    number = "DS20469999"
    for e in reversed(events):  # newest first: every later webhook replays the log
        renamed = e.model_copy(update={"tracking_number": number, "event_id": f"x-{e.event_id}"})
        await ingest_events(sessions, [renamed], source="dms")
    assert snapshot(await stored_delivery(sessions, number)) == in_order
    assert await _stops(sessions) == []


async def test_an_unassignment_after_delivery_is_reported_and_the_stop_stays(sessions) -> None:
    await ingest_events(sessions, a_day_on_the_road(), source="dms")
    delivery = await stored_delivery(sessions)
    stops = await _stops(sessions)

    result = await ingest_events(
        sessions, [event("u-late", "route_unassigned", 3 * 24 * 60)], source="dms"
    )

    [rejection] = result.rejected
    assert rejection.reason == "route_unassigned on a delivery that is already delivered (final)"
    after = await stored_delivery(sessions)
    assert after.status is DeliveryStatus.DELIVERED and after.route_id == delivery.route_id
    assert [(r, d) for r, d, _ in stops] == [(delivery.route_id, delivery.id)]
    assert await _stops(sessions) == stops  # its place on the route too


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("route_unassigned", {}),
        (
            "rescheduled",
            {"window": {"start": "2026-11-25T14:00:00Z", "end": "2026-11-25T18:00:00Z"}},
        ),
    ],
)
async def test_a_rejected_route_change_leaves_the_stop_in_its_place(sessions, kind, extra) -> None:
    delivered = [
        created(),
        _on_route(),
        event("o1", "out_for_delivery", 60),
        event("d1", "delivered", 90),
    ]
    await ingest_events(sessions, delivered, source="dms")
    stops = await _stops(sessions)
    assert [sequence for _, _, sequence in stops] == [4]

    result = await ingest_events(sessions, [event("late", kind, 120, **extra)], source="dms")

    assert len(result.rejected) == 1
    assert await _stops(sessions) == stops


async def test_record_event_route_unassigned_clears_the_route_and_its_stop(sessions) -> None:
    await ingest_events(sessions, [created(), _on_route()], source="dms")
    async with sessions() as session, session.begin():
        delivery = await session.scalar(sa.select(Delivery))
        logged = await record_event(
            session,
            delivery=delivery,
            type="route_unassigned",
            occurred_at=MORNING + timedelta(minutes=30),
            source="slack",
            source_event_id="Ev-unassign-1",
        )
        assert logged.applied and logged.to_status == "scheduled"
    assert (await stored_delivery(sessions)).route_id is None
    assert await _stops(sessions) == []


def test_a_route_unassigned_event_naming_a_route_is_refused() -> None:
    with pytest.raises(ValueError, match="takes the stop off its route: no route"):
        event("u1", "route_unassigned", 20, route={"external_id": "R-NWK-07"})
