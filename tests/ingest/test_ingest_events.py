"""Delivery-system events in the store: logged once, applied in order, whatever the arrival."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from ingest_helpers import MORNING, a_day_on_the_road, created, event

from data.ingest.apply import ingest_events, record_event
from data.models import Delivery, DeliveryEvent, OutboxEvent, Route, RouteStop
from data.types import DeliveryStatus


async def _delivery(sessions, tracking_number: str = "DS20461187") -> Delivery:
    async with sessions() as session:
        return await session.scalar(
            sa.select(Delivery).where(Delivery.tracking_number == tracking_number)
        )


async def _count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(model))


def _snapshot(delivery: Delivery) -> dict:
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


async def test_a_day_on_the_road_ends_delivered_with_its_proof(sessions) -> None:
    result = await ingest_events(sessions, a_day_on_the_road(), source="dms")
    assert (result.applied, result.duplicates, len(result.rejected)) == (8, 0, 0)
    assert result.deliveries_created == 1
    delivery = await _delivery(sessions)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.attempt_count == 1
    assert delivery.failure_reason == "no_access"
    assert delivery.signed_by == "D. Whitfield"
    assert delivery.pod_photo_urls == ["https://pod.example/1.jpg"]
    assert delivery.delivered_at == MORNING + timedelta(days=1, hours=2)
    async with sessions() as session:
        route = await session.scalar(sa.select(Route))
        stop = await session.scalar(sa.select(RouteStop))
        topics = (await session.scalars(sa.select(OutboxEvent.topic))).all()
    assert route.external_id == "R-NWK-07" and delivery.route_id == route.id
    assert stop.delivery_id == delivery.id
    assert str(delivery.service_date) == "2026-11-23"
    assert topics.count("delivery.status_changed") == 6  # scheduled, out, arriving, failed, out, ok


async def test_the_same_webhook_delivered_twice_changes_nothing_the_second_time(sessions) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events[:5], source="dms")
    before = _snapshot(await _delivery(sessions))
    outbox_before = await _count(sessions, OutboxEvent)

    again = await ingest_events(sessions, events[:5] + events[:2], source="dms")

    assert (again.applied, again.duplicates) == (0, 7)
    assert _snapshot(await _delivery(sessions)) == before
    assert await _count(sessions, DeliveryEvent) == 5
    assert await _count(sessions, OutboxEvent) == outbox_before


async def test_the_same_event_id_from_another_source_is_a_different_event(sessions) -> None:
    await ingest_events(sessions, [created("e1")], source="dms")
    result = await ingest_events(sessions, [created("e1", minutes=1)], source="import")
    assert result.applied == 1 and result.duplicates == 0


async def test_events_in_any_arrival_order_leave_the_same_delivery(sessions) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events, source="dms")
    in_order = _snapshot(await _delivery(sessions))

    rng = random.Random(2046)
    for n in range(6):
        shuffled = events[:]
        rng.shuffle(shuffled)
        number = f"DS3000000{n}"
        renamed = [
            e.model_copy(update={"tracking_number": number, "event_id": f"{n}-{e.event_id}"})
            for e in shuffled
        ]
        # One webhook at a time, in the shuffled order: every late one replays the log.
        for e in renamed:
            await ingest_events(sessions, [e], source="dms")
        assert _snapshot(await _delivery(sessions, number)) == in_order, shuffled


async def test_an_impossible_transition_is_logged_and_reported_never_applied(sessions) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events, source="dms")
    late_failure = event("late-f", "failed_attempt", 24 * 60 + 200, reason_code="refused")

    result = await ingest_events(sessions, [late_failure], source="dms")

    assert result.applied == 0
    [rejection] = result.rejected
    assert rejection.event_id == "late-f"
    assert rejection.reason == "failed_attempt on a delivery that is already delivered (final)"
    delivery = await _delivery(sessions)
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.attempt_count == 1
    async with sessions() as session:
        row = await session.scalar(
            sa.select(DeliveryEvent).where(DeliveryEvent.source_event_id == "late-f")
        )
        rejected_topic = await session.scalar(
            sa.select(OutboxEvent).where(OutboxEvent.topic == "delivery.transition_rejected")
        )
    assert row.applied is False and row.from_status == "delivered" and row.to_status is None
    assert "already delivered" in row.rejected_reason
    assert rejected_topic.payload["event_id"] == "late-f"


async def test_a_late_failed_attempt_after_delivery_does_not_announce_a_failure(sessions) -> None:
    events = a_day_on_the_road()
    await ingest_events(
        sessions, [e for e in events if not e.event_id.endswith("-f")], source="dms"
    )
    async with sessions() as session:
        before = await session.scalar(sa.select(sa.func.max(OutboxEvent.id)))

    await ingest_events(sessions, [e for e in events if e.event_id.endswith("-f")], source="dms")

    delivery = await _delivery(sessions)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.attempt_count == 1  # the attempt happened, in its place in the log
    async with sessions() as session:
        new_topics = (
            await session.scalars(sa.select(OutboxEvent.topic).where(OutboxEvent.id > before))
        ).all()
    assert "delivery.status_changed" not in new_topics


async def test_events_for_a_delivery_not_yet_created_create_it(sessions) -> None:
    result = await ingest_events(
        sessions,
        [event("o1", "out_for_delivery", 5, tracking_number="1Z999AA10123456784")],
        source="dms",
    )
    assert result.deliveries_created == 1
    async with sessions() as session:
        delivery = await session.scalar(sa.select(Delivery))
        carrier = await session.get(
            type(delivery).carrier.property.mapper.class_, delivery.carrier_id
        )
    assert carrier.code == "ups"
    assert delivery.status is DeliveryStatus.OUT_FOR_DELIVERY

    later = await ingest_events(sessions, [created("c-late", minutes=0)], source="dms")
    assert later.deliveries_created == 1  # a different tracking number: DS20461187
    result = await ingest_events(
        sessions,
        [
            event(
                "c-ups",
                "created",
                0,
                tracking_number="1z 999 aa1 0123 456 784",
                delivery={"recipient_name": "Ari"},
            )
        ],
        source="dms",
    )
    assert result.deliveries_created == 0
    async with sessions() as session:
        delivery = await session.scalar(
            sa.select(Delivery).where(Delivery.tracking_number == "1Z999AA10123456784")
        )
    assert delivery.recipient_name == "Ari"
    assert delivery.status is DeliveryStatus.OUT_FOR_DELIVERY


async def test_a_customer_rebook_through_record_event_in_the_callers_transaction(
    sessions,
) -> None:
    await ingest_events(sessions, a_day_on_the_road()[:5], source="dms")  # ends failed
    window_start = MORNING + timedelta(days=2, hours=5)
    async with sessions() as session, session.begin():
        delivery = await session.scalar(sa.select(Delivery))
        logged = await record_event(
            session,
            delivery=delivery,
            type="rescheduled",
            occurred_at=MORNING + timedelta(hours=3),
            source="sms",
            source_event_id="SM123",
            reason_code="customer_requested_reschedule",
            window_start=window_start,
            window_end=window_start + timedelta(hours=2),
        )
        assert logged.applied and logged.to_status == "scheduled"
    delivery = await _delivery(sessions)
    assert delivery.status is DeliveryStatus.SCHEDULED
    assert delivery.window_start == window_start
    assert str(delivery.service_date) == "2026-11-25"
    assert delivery.route_id is None  # off today's route
    async with sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(RouteStop)) == 0
        topic = await session.scalar(
            sa.select(OutboxEvent.payload)
            .where(OutboxEvent.topic == "delivery.status_changed")
            .order_by(OutboxEvent.id.desc())
        )
    assert topic["to_status"] == "scheduled" and topic["event_id"] == "SM123"

    # The same SMS again: a no-op that returns the logged event.
    async with sessions() as session, session.begin():
        delivery = await session.scalar(sa.select(Delivery))
        again = await record_event(
            session,
            delivery=delivery,
            type="rescheduled",
            occurred_at=MORNING + timedelta(hours=3),
            source="sms",
            source_event_id="SM123",
        )
        assert again.id == logged.id
    assert await _count(sessions, DeliveryEvent) == 6


async def test_a_customer_cannot_rebook_after_a_third_failed_attempt_it_is_reported(
    sessions,
) -> None:
    base = a_day_on_the_road()[:3]
    failures = [
        event(f"f{i}", "failed_attempt", 70 + i * 10, reason_code="recipient_unavailable")
        for i in range(3)
    ]
    await ingest_events(sessions, base + failures, source="dms")
    async with sessions() as session, session.begin():
        delivery = await session.scalar(sa.select(Delivery))
        logged = await record_event(
            session,
            delivery=delivery,
            type="rescheduled",
            occurred_at=MORNING + timedelta(hours=4),
            source="sms",
            source_event_id="SM9",
        )
    assert logged.applied is False
    assert "operator's decision" in logged.rejected_reason
    delivery = await _delivery(sessions)
    assert delivery.status is DeliveryStatus.FAILED_ATTEMPT and delivery.attempt_count == 3
    async with sessions() as session:
        rejected = await session.scalar(
            sa.select(OutboxEvent).where(OutboxEvent.topic == "delivery.transition_rejected")
        )
    assert rejected.payload["event_id"] == "SM9"


async def test_record_event_refuses_fields_that_are_not_the_deliverys(sessions) -> None:
    await ingest_events(sessions, [created()], source="dms")
    async with sessions() as session, session.begin():
        delivery = await session.scalar(sa.select(Delivery))
        try:
            await record_event(
                session,
                delivery=delivery,
                type="updated",
                occurred_at=MORNING,
                source="sms",
                source_event_id="x",
                favourite_colour="blue",
            )
        except ValueError as exc:
            assert "favourite_colour" in str(exc)
        else:
            raise AssertionError("an unknown field was accepted")


async def test_an_event_id_already_logged_for_another_delivery_is_a_duplicate(sessions) -> None:
    await ingest_events(sessions, [created("same-id")], source="dms")
    # Newer than anything logged for its own (new) delivery, yet its id is taken: a duplicate.
    reused = event("same-id", "out_for_delivery", 60, tracking_number="DS20469999")
    result = await ingest_events(sessions, [reused, event("fresh", "created", 61)], source="dms")
    assert (result.applied, result.duplicates, result.duplicate_ids) == (1, 1, ["same-id"])
    assert await _count(sessions, DeliveryEvent) == 2


async def test_a_batch_repeating_a_logged_event_beside_new_ones_applies_only_the_new(
    sessions,
) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events[:3], source="dms")
    result = await ingest_events(sessions, events[2:5], source="dms")
    assert (result.applied, result.duplicates, result.duplicate_ids) == (2, 1, [events[2].event_id])
    delivery = await _delivery(sessions)
    assert delivery.status is DeliveryStatus.FAILED_ATTEMPT and delivery.attempt_count == 1


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
    delivery = await _delivery(sessions)
    assert delivery.route_id is not None
    assert await _stops(sessions) == [(delivery.route_id, delivery.id, 4)]

    unassigned = event("u1", "route_unassigned", 20)
    result = await ingest_events(sessions, [unassigned], source="dms")

    assert (result.applied, result.duplicates, len(result.rejected)) == (1, 0, 0)
    delivery = await _delivery(sessions)
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
    before, outbox_before = _snapshot(delivery), await _count(sessions, OutboxEvent)
    again = await ingest_events(sessions, [unassigned], source="dms")
    assert (again.applied, again.duplicates) == (0, 1)
    assert _snapshot(await _delivery(sessions)) == before
    assert await _count(sessions, OutboxEvent) == outbox_before
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
    delivery = await _delivery(sessions)
    assert delivery.route_id is None
    assert delivery.status is DeliveryStatus.SCHEDULED
    assert await _stops(sessions) == []

    # A newer assignment does put it back on a route.
    newer = _on_route("R-NWK-08", minutes=40, event_id="r3")
    await ingest_events(sessions, [newer], source="dms")
    delivery = await _delivery(sessions)
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
    in_order = _snapshot(await _delivery(sessions))
    assert in_order["status"] is DeliveryStatus.SCHEDULED and in_order["route_id"] is None

    number = "DS20469999"
    for e in reversed(events):  # newest first: every later webhook replays the log
        renamed = e.model_copy(update={"tracking_number": number, "event_id": f"x-{e.event_id}"})
        await ingest_events(sessions, [renamed], source="dms")
    assert _snapshot(await _delivery(sessions, number)) == in_order
    assert await _stops(sessions) == []


async def test_an_unassignment_after_delivery_is_reported_and_the_stop_stays(sessions) -> None:
    await ingest_events(sessions, a_day_on_the_road(), source="dms")
    delivery = await _delivery(sessions)
    stops = await _stops(sessions)

    result = await ingest_events(
        sessions, [event("u-late", "route_unassigned", 3 * 24 * 60)], source="dms"
    )

    [rejection] = result.rejected
    assert rejection.reason == "route_unassigned on a delivery that is already delivered (final)"
    after = await _delivery(sessions)
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
    assert (await _delivery(sessions)).route_id is None
    assert await _stops(sessions) == []


def test_a_route_unassigned_event_naming_a_route_is_refused() -> None:
    with pytest.raises(ValueError, match="takes the stop off its route: no route"):
        event("u1", "route_unassigned", 20, route={"external_id": "R-NWK-07"})
