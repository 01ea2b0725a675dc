"""Delivery-system events in the store: logged once, applied in order, whatever the arrival."""

from __future__ import annotations

import random
from datetime import timedelta

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


async def test_a_day_on_the_road_ends_delivered_with_its_proof(sessions) -> None:
    result = await ingest_events(sessions, a_day_on_the_road(), source="dms")
    assert (result.applied, result.duplicates, len(result.rejected)) == (8, 0, 0)
    assert result.deliveries_created == 1
    delivery = await stored_delivery(sessions)
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
    before = snapshot(await stored_delivery(sessions))
    outbox_before = await count_rows(sessions, OutboxEvent)

    again = await ingest_events(sessions, events[:5] + events[:2], source="dms")

    assert (again.applied, again.duplicates) == (0, 7)
    assert snapshot(await stored_delivery(sessions)) == before
    assert await count_rows(sessions, DeliveryEvent) == 5
    assert await count_rows(sessions, OutboxEvent) == outbox_before


async def test_the_same_event_id_from_another_source_is_a_different_event(sessions) -> None:
    await ingest_events(sessions, [created("e1")], source="dms")
    result = await ingest_events(sessions, [created("e1", minutes=1)], source="import")
    assert result.applied == 1 and result.duplicates == 0


async def test_events_in_any_arrival_order_leave_the_same_delivery(sessions) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events, source="dms")
    in_order = snapshot(await stored_delivery(sessions))

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
        assert snapshot(await stored_delivery(sessions, number)) == in_order, shuffled


async def test_an_impossible_transition_is_logged_and_reported_never_applied(sessions) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events, source="dms")
    late_failure = event("late-f", "failed_attempt", 24 * 60 + 200, reason_code="refused")

    result = await ingest_events(sessions, [late_failure], source="dms")

    assert result.applied == 0
    [rejection] = result.rejected
    assert rejection.event_id == "late-f"
    assert rejection.reason == "failed_attempt on a delivery that is already delivered (final)"
    delivery = await stored_delivery(sessions)
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

    delivery = await stored_delivery(sessions)
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
    delivery = await stored_delivery(sessions)
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
    assert await count_rows(sessions, DeliveryEvent) == 6


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
    delivery = await stored_delivery(sessions)
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
    assert await count_rows(sessions, DeliveryEvent) == 2


async def test_a_batch_repeating_a_logged_event_beside_new_ones_applies_only_the_new(
    sessions,
) -> None:
    events = a_day_on_the_road()
    await ingest_events(sessions, events[:3], source="dms")
    result = await ingest_events(sessions, events[2:5], source="dms")
    assert (result.applied, result.duplicates, result.duplicate_ids) == (2, 1, [events[2].event_id])
    delivery = await stored_delivery(sessions)
    assert delivery.status is DeliveryStatus.FAILED_ATTEMPT and delivery.attempt_count == 1
