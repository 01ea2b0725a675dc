"""`doorstep demo-data` gives a person a believable operator day to try Doorstep on."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from data.demo.load import load_day
from data.demo.plan import plan_day
from data.models import Carrier, Delivery, Driver, OutboxEvent, Route
from data.reason_codes import ReasonCode
from data.types import DeliveryStatus

SERVICE_DATE = date(2026, 11, 18)  # a Wednesday
# 11:30 in New York: the East is half done, the West Coast is loading its vans.
AS_OF = datetime.combine(SERVICE_DATE, time(11, 30), ZoneInfo("America/New_York"))
STATE_ZONES = {
    "NJ": "America/New_York",
    "GA": "America/New_York",
    "IL": "America/Chicago",
    "TX": "America/Chicago",
    "CO": "America/Denver",
    "AZ": "America/Phoenix",
    "CA": "America/Los_Angeles",
    "WA": "America/Los_Angeles",
}


def test_the_same_seed_and_date_plan_the_same_day() -> None:
    first = plan_day(service_date=SERVICE_DATE, as_of=AS_OF, seed=11)
    again = plan_day(service_date=SERVICE_DATE, as_of=AS_OF, seed=11)
    other = plan_day(service_date=SERVICE_DATE, as_of=AS_OF, seed=12)
    assert [e.event_id for e in first.events] == [e.event_id for e in again.events]
    assert first.tracking_numbers == again.tracking_numbers
    assert first.tracking_numbers != other.tracking_numbers


def test_a_day_needs_a_time_zone_and_enough_deliveries() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_day(service_date=SERVICE_DATE, as_of=datetime(2026, 11, 18, 12, 30))
    with pytest.raises(ValueError, match="at least"):
        plan_day(service_date=SERVICE_DATE, as_of=AS_OF, deliveries=10)


async def test_the_demo_day_is_a_believable_operator_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day = plan_day(service_date=SERVICE_DATE, as_of=AS_OF, seed=7)
    summary = await load_day(sessions, day)
    assert summary.rejected == 0 and summary.applied == len(day.events)

    async with sessions() as session:
        carriers = (await session.scalars(select(Carrier))).all()
        drivers = (await session.scalars(select(Driver))).all()
        routes = (await session.scalars(select(Route).options(selectinload(Route.stops)))).all()
        deliveries = (await session.scalars(select(Delivery))).all()
        outbox = await session.scalar(select(func.count(OutboxEvent.id)))

    assert len(carriers) == 3
    assert len(drivers) == 25
    assert all(d.phone and d.slack_user_id and d.carrier_id for d in drivers)
    assert len({d.slack_user_id for d in drivers}) == 25
    assert len(routes) == 25
    for route in routes:
        assert route.driver_id and route.shift_start < route.shift_end
        assert route.service_date == SERVICE_DATE
        sequences = [stop.sequence for stop in route.stops]
        assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert sum(len(r.stops) for r in routes) == 1000

    assert len(deliveries) == 1000
    assert all(re.fullmatch(r"DS\d{8}", d.tracking_number) for d in deliveries)
    assert {d.timezone for d in deliveries} == set(STATE_ZONES.values())
    assert all(STATE_ZONES[d.state] == d.timezone for d in deliveries)
    assert all(d.postal_code and re.fullmatch(r"\d{5}", d.postal_code) for d in deliveries)
    assert all(d.phone and d.phone.startswith("+1") for d in deliveries)

    business = [d for d in deliveries if d.is_business]
    assert 70 <= len(business) <= 130
    assert all(b.business_name and b.receiving_hours and b.dock and b.contact_person
               for b in business)  # fmt: skip
    assert sum(1 for d in deliveries if d.access_code) >= 40
    assert sum(1 for d in deliveries if d.instructions) >= 40
    assert all(d.window_start and d.window_end for d in deliveries if d.route_id)

    mix = summary.statuses
    assert sum(mix.values()) == 1000
    assert mix["delivered"] >= 100
    assert mix["out_for_delivery"] + mix.get("arriving", 0) >= 150
    assert mix["scheduled"] + mix.get("created", 0) >= 60  # the West has not left yet
    assert 5 <= mix["failed_attempt"] <= 80
    for d in deliveries:
        if d.status is DeliveryStatus.DELIVERED:
            assert d.pod_photo_urls and d.delivered_at is not None
        if d.status is DeliveryStatus.FAILED_ATTEMPT:
            assert ReasonCode(d.failure_reason)
    assert outbox > 0  # the ingest engine recorded the day's events for the relay

    # The well-known customers are in the state their story says.
    by_number = {d.tracking_number: d for d in deliveries}
    stories = {(c.name, c.story): by_number[c.tracking_number] for c in day.showcase}
    statuses = {key: d.status for key, d in stories.items()}
    assert statuses[("Maria Lopez", "out for delivery, a few stops away")] in (
        DeliveryStatus.OUT_FOR_DELIVERY,
    )
    james = stories[("James Carter", "failed attempt: gate locked, no code on file")]
    assert james.status is DeliveryStatus.FAILED_ATTEMPT and james.failure_reason == "no_access"
    aisha = stories[("Aisha Khan", "delivered, with a photo")]
    assert aisha.status is DeliveryStatus.DELIVERED and aisha.pod_photo_urls
    tom = stories[("Tom Nguyen", "scheduled for later today, access code on file")]
    assert tom.status is DeliveryStatus.SCHEDULED and tom.access_code == "#2580"
    dana = stories[("Dana Whitfield", "business delivery, scheduled")]
    assert dana.is_business and dana.status is DeliveryStatus.SCHEDULED
    priya = stories[("Priya Raman", "failed attempt: the address has no apartment number")]
    assert priya.status is DeliveryStatus.FAILED_ATTEMPT
    assert priya.failure_reason == "address_incorrect_or_incomplete" and not priya.address_line2
    carlos = stories[("Carlos Mendez", "failed attempt: damaged on the way (texts in Spanish)")]
    assert carlos.status is DeliveryStatus.FAILED_ATTEMPT and carlos.failure_reason == "damaged"
    assert carlos.language == "es"

    # Loading the same day again changes nothing.
    again = await load_day(sessions, day)
    assert again.applied == 0 and again.duplicates == len(day.events)
    assert again.statuses == summary.statuses


@pytest.mark.parametrize("hour", [9, 13, 15, 17])
def test_the_showcase_business_is_booked_within_its_receiving_hours(hour: int) -> None:
    """Dana's delivery comes four hours after the demo is made: her receiving hours take it in,
    whatever the hour (a booking outside them would have the assistant offer to move it)."""
    as_of = datetime.combine(SERVICE_DATE, time(hour, 10), ZoneInfo("America/New_York"))
    day = plan_day(service_date=SERVICE_DATE, as_of=as_of, seed=7)
    [dana] = [c for c in day.showcase if c.name == "Dana Whitfield"]
    events = [e for e in day.events if e.tracking_number == dana.tracking_number]
    hours = next(e.delivery.receiving_hours for e in events if e.delivery is not None)
    window = next(e.window for e in events if e.window is not None)
    opens, closes = re.fullmatch(r"Mon-Fri (\d+)am-(\d+)pm", hours).groups()
    zone = ZoneInfo("America/New_York")
    assert window.start.astimezone(zone).hour >= int(opens)
    end = window.end.astimezone(zone)
    assert (end.hour, end.minute) <= (int(closes) + 12, 0), (hours, end)
