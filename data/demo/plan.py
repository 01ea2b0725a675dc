"""`plan_day`: a deterministic demo day for a seed and a date, as it stands at `as_of`."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from data.demo.models import DemoDay, DemoDriver
from data.demo.people import CARRIERS, FIRST, LAST
from data.demo.places import METROS
from data.demo.planner import Planner

SHOWCASE_STOPS = 9  # the well-known customers' packages (see Planner.showcase)


def default_as_of(service_date: date, operator_timezone: str, now: datetime) -> datetime:
    """Now, for today; 2 pm operator time for another day (a mid-afternoon mix)."""
    zone = ZoneInfo(operator_timezone)
    if now.astimezone(zone).date() == service_date:
        return now
    return datetime.combine(service_date, time(14, 0), zone)


def plan_day(
    *,
    service_date: date,
    as_of: datetime,
    seed: int = 7,
    deliveries: int = 1000,
    business_share: float = 0.10,
) -> DemoDay:
    """The day's drivers, routes and every event that has happened by `as_of` (deterministic)."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    drivers_total = sum(m.drivers for m in METROS)
    if deliveries < drivers_total * 3:
        raise ValueError(f"at least {drivers_total * 3} deliveries for {drivers_total} drivers")
    people = random.Random(f"drivers:{seed}")
    rng = random.Random(f"day:{seed}:{service_date.isoformat()}")
    planner = Planner(service_date, as_of, rng, business_share)

    drivers: list[DemoDriver] = []
    for metro in METROS:
        for n in range(1, metro.drivers + 1):
            first, last = people.choice(FIRST), people.choice(LAST)
            drivers.append(
                DemoDriver(
                    external_id=f"DRV-{metro.code}-{n:02d}",
                    name=f"{first} {last}",
                    phone=f"+1{metro.area_codes[0]}55501{99 - n:02d}",
                    slack_user_id="U0"
                    + "".join(people.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=9)),
                    carrier_code=CARRIERS[len(drivers) % len(CARRIERS)][0],
                    metro=metro,
                )
            )
    # Stops per driver: around the average, summing to `deliveries` with the showcase's.
    counts = [deliveries // len(drivers)] * len(drivers)
    counts[0] -= SHOWCASE_STOPS
    for i in range(deliveries - SHOWCASE_STOPS - sum(counts)):
        counts[i % len(drivers)] += 1
    for i in range(0, len(drivers) - 1, 2):
        shift = rng.randint(0, min(6, counts[i + 1] - 3))
        counts[i] += shift
        counts[i + 1] -= shift

    routes = [planner.route(driver, count) for driver, count in zip(drivers, counts, strict=True)]
    planner.showcase(routes[0], drivers[0], counts[0])
    return DemoDay(
        service_date=service_date,
        as_of=as_of,
        drivers=drivers,
        routes=routes,
        events=sorted(planner.events, key=lambda e: (e.occurred_at, e.event_id)),
        tracking_numbers=planner.tracking_numbers,
        showcase=planner.customers,
    )
