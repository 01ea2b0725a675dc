"""A believable operator day: 3 carriers, 25 drivers on routes in 8 US metros, 1,000 deliveries.

`plan_day` is pure and deterministic for a seed and a date: who delivers what, where, in which
window, and what happens at each stop (delivered with a photo, a failed attempt with a canonical
reason, a route running late). Only the events that have happened by `as_of` are kept, so the
store shows the day as it stands: early on everything is scheduled, by mid-afternoon most is
delivered, in the evening the failed attempts wait for a rebook.

`load_day` writes the carriers, drivers and routes (shift times, Slack ids), then sends every
event through the ingest engine (data.ingest) like a delivery system would, so the deliveries'
state, stops and outbox events are what the real code makes of them. Event ids are stable, so
loading the same day again is a no-op, and loading it later in the day adds what happened since.

The operator's tracking numbers are DS + 8 digits. Phone numbers are in the 555-01xx range that
North American numbering reserves for fiction.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.db import transaction
from data.ingest.apply import ingest_events
from data.ingest.events import (
    MAX_BATCH,
    Address,
    CanonicalEvent,
    DeliveryDetails,
    DriverRef,
    ProofOfDelivery,
    RouteRef,
    Window,
)
from data.models import Base, Carrier, Delivery, Driver, Route
from data.reason_codes import ReasonCode
from data.state_machine import EventType
from data.types import DeliveryStatus

SOURCE = "demo"
SHOWCASE_STOPS = 7  # the well-known customers' packages (see _Planner.showcase)
POD_BASE_URL = "https://pod.doorstep.example"


# --- the places --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metro:
    code: str
    state: str
    timezone: str
    area_codes: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, ZIP)
    streets: tuple[str, ...]
    drivers: int


# fmt: off
METROS: tuple[Metro, ...] = (
    Metro("NJ", "NJ", "America/New_York", ("201", "973", "862"),
          (("Newark", "07102"), ("Newark", "07104"), ("Newark", "07105"),
           ("Jersey City", "07302"), ("Jersey City", "07304"), ("Jersey City", "07306"),
           ("Hoboken", "07030")),
          ("Broad St", "Market St", "Ferry St", "Newark Ave", "Grove St", "Washington St",
           "Bloomfield Ave", "Summit Ave", "Palisade Ave", "Garden St"), 4),
    Metro("ATL", "GA", "America/New_York", ("404", "470", "678"),
          (("Atlanta", "30303"), ("Atlanta", "30308"), ("Atlanta", "30309"),
           ("Atlanta", "30312"), ("Atlanta", "30318"), ("Atlanta", "30324")),
          ("Peachtree St NE", "Ponce de Leon Ave", "Edgewood Ave", "Spring St NW",
           "Piedmont Ave NE", "Howell Mill Rd", "Boulevard SE", "Monroe Dr NE"), 3),
    Metro("CHI", "IL", "America/Chicago", ("312", "773", "872"),
          (("Chicago", "60601"), ("Chicago", "60607"), ("Chicago", "60614"),
           ("Chicago", "60622"), ("Chicago", "60647"), ("Chicago", "60657")),
          ("N Clark St", "W Division St", "N Milwaukee Ave", "W Armitage Ave", "N Halsted St",
           "W Belmont Ave", "S Racine Ave", "N Damen Ave"), 4),
    Metro("DFW", "TX", "America/Chicago", ("214", "469", "972"),
          (("Dallas", "75201"), ("Dallas", "75204"), ("Dallas", "75206"),
           ("Dallas", "75214"), ("Dallas", "75219"), ("Dallas", "75226")),
          ("Ross Ave", "McKinney Ave", "Greenville Ave", "Gaston Ave", "Lemmon Ave",
           "Elm St", "Swiss Ave", "Live Oak St"), 3),
    Metro("DEN", "CO", "America/Denver", ("303", "720"),
          (("Denver", "80202"), ("Denver", "80203"), ("Denver", "80205"),
           ("Denver", "80206"), ("Denver", "80211"), ("Denver", "80218")),
          ("Colfax Ave", "Larimer St", "Broadway", "Speer Blvd", "York St", "Tejon St",
           "Federal Blvd", "17th Ave"), 3),
    Metro("PHX", "AZ", "America/Phoenix", ("602", "480"),
          (("Phoenix", "85004"), ("Phoenix", "85006"), ("Phoenix", "85008"),
           ("Phoenix", "85012"), ("Phoenix", "85016"), ("Phoenix", "85018")),
          ("N Central Ave", "E Camelback Rd", "E Indian School Rd", "N 7th St",
           "E McDowell Rd", "N 16th St"), 2),
    Metro("LA", "CA", "America/Los_Angeles", ("213", "323", "310"),
          (("Los Angeles", "90004"), ("Los Angeles", "90012"), ("Los Angeles", "90026"),
           ("Los Angeles", "90027"), ("Los Angeles", "90029"), ("Los Angeles", "90039")),
          ("Sunset Blvd", "Vermont Ave", "Hollywood Blvd", "Glendale Blvd", "Hyperion Ave",
           "Santa Monica Blvd", "Melrose Ave", "Echo Park Ave"), 4),
    Metro("SEA", "WA", "America/Los_Angeles", ("206", "425"),
          (("Seattle", "98101"), ("Seattle", "98102"), ("Seattle", "98103"),
           ("Seattle", "98107"), ("Seattle", "98109"), ("Seattle", "98122")),
          ("Pike St", "Pine St", "Fremont Ave N", "NW Market St", "Westlake Ave N",
           "E Madison St", "Aurora Ave N", "15th Ave E"), 2),
)

CARRIERS: tuple[tuple[str, str], ...] = (
    ("swift", "Swift Last Mile"),
    ("metro", "Metro Courier Co."),
    ("bluejay", "Bluejay Logistics"),
)

FIRST = (
    "Maria", "James", "Aisha", "Tom", "Dana", "Sam", "Olivia", "Liam", "Emma", "Noah", "Sofia",
    "Mateo", "Ava", "Elijah", "Mia", "Lucas", "Amara", "Ethan", "Chloe", "Daniel", "Priya",
    "Jamal", "Grace", "Diego", "Hannah", "Kenji", "Layla", "Marcus", "Nora", "Omar", "Ruth",
    "Caleb", "Isabel", "Andre", "Leah", "Victor", "Zoe", "Hector", "Maya", "Wei",
)
LAST = (
    "Lopez", "Carter", "Khan", "Nguyen", "Whitfield", "Patel", "Johnson", "Garcia", "Kim",
    "Brown", "Rivera", "Okafor", "Schmidt", "Cohen", "Martinez", "Williams", "Chen", "Davis",
    "Hernandez", "Murphy", "Rossi", "Jackson", "Singh", "Walker", "Torres", "Ali", "Baker",
    "Novak", "Reyes", "Thompson", "Yamamoto", "Brooks", "Diaz", "Foster", "Moreau",
)
BUSINESSES = (
    "Dental Studio", "Coffee Roasters", "Print & Ship", "Family Pharmacy", "Architects LLP",
    "Bike Works", "Pet Clinic", "Florist", "Law Office", "Hardware", "Bakery", "Yoga Loft",
)
INSTRUCTIONS = (
    "Leave with the doorman.",
    "Side door, please; front steps are icy.",
    "Leave behind the planter on the porch.",
    "Ring the bell, dog is friendly.",
    "Please don't leave in the lobby.",
    "Buzz unit, then take the elevator to 4.",
)
RESIDENTIAL_FAILURES: tuple[tuple[ReasonCode, float, str], ...] = (
    (ReasonCode.RECIPIENT_UNAVAILABLE, 0.34, "Signature required, nobody home"),
    (ReasonCode.NO_ACCESS, 0.22, "Gate locked, no code on file"),
    (ReasonCode.NO_SAFE_LOCATION, 0.16, "No safe place to leave it"),
    (ReasonCode.ADDRESS_INCORRECT_OR_INCOMPLETE, 0.12, "Unit number missing"),
    (ReasonCode.CUSTOMER_REQUESTED_RESCHEDULE, 0.08, "Customer asked for another day"),
    (ReasonCode.REFUSED, 0.05, "Refused at the door"),
    (ReasonCode.DAMAGED, 0.03, "Box crushed in the van"),
)
# fmt: on


# --- the plan ------------------------------------------------------------------------------------


@dataclass(slots=True)
class DemoDriver:
    external_id: str
    name: str
    phone: str
    slack_user_id: str
    carrier_code: str
    metro: Metro


@dataclass(slots=True)
class DemoRoute:
    external_id: str
    driver: DemoDriver
    shift_start: datetime
    shift_end: datetime
    departs: datetime
    status: str


@dataclass(slots=True)
class DemoCustomer:
    """A well-known customer to try `doorstep chat --phone ...` with."""

    name: str
    phone: str
    tracking_number: str
    story: str


@dataclass(slots=True)
class DemoDay:
    service_date: date
    as_of: datetime
    drivers: list[DemoDriver]
    routes: list[DemoRoute]
    events: list[CanonicalEvent]
    tracking_numbers: list[str]
    showcase: list[DemoCustomer] = field(default_factory=list)


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
    planner = _Planner(service_date, as_of, rng, business_share)

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


class _Planner:
    """Builds routes, stops and their events; keeps only what happened by `as_of`."""

    def __init__(
        self, service_date: date, as_of: datetime, rng: random.Random, business_share: float
    ) -> None:
        self.day = service_date
        self.as_of = as_of
        self.rng = rng
        self.business_share = business_share
        self.events: list[CanonicalEvent] = []
        self.tracking_numbers: list[str] = []
        self.customers: list[DemoCustomer] = []
        self._used_numbers: set[str] = set()
        self._free_phones: dict[str, list[str]] = {}
        self._repeat_pool: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}

    # --- identities ---
    def tracking_number(self) -> str:
        while True:
            number = f"DS{self.rng.randrange(10**7, 10**8):08d}"
            if number not in self._used_numbers:
                self._used_numbers.add(number)
                self.tracking_numbers.append(number)
                return number

    def phone(self, metro: Metro) -> str:
        free = self._free_phones.get(metro.code)
        if free is None:
            # 01xx is fictional; 0100-0109 are the showcase, 0190-0199 the drivers.
            free = [f"+1{ac}55501{n:02d}" for ac in metro.area_codes for n in range(10, 90)]
            self.rng.shuffle(free)
            self._free_phones[metro.code] = free
        return free.pop()

    def local(self, metro: Metro, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.day, time(hour, minute), ZoneInfo(metro.timezone))

    # --- events ---
    def emit(
        self,
        event_id: str,
        when: datetime,
        type_: EventType,
        number: str,
        carrier: str,
        **fields: Any,
    ) -> bool:
        if when > self.as_of:
            return False
        self.events.append(
            CanonicalEvent(
                event_id=f"demo:{self.day.isoformat()}:{number}:{event_id}",
                type=type_,
                occurred_at=when.astimezone(UTC),
                carrier=carrier,
                tracking_number=number,
                **fields,
            )
        )
        return True

    # --- a route and its stops ---
    def route(self, driver: DemoDriver, stops: int) -> DemoRoute:
        metro, rng = driver.metro, self.rng
        start = self.local(metro, 8) + timedelta(minutes=rng.choice((-30, -15, 0, 0, 15, 30, 60)))
        end = start + timedelta(hours=9)
        departs = start + timedelta(minutes=rng.randint(25, 45))
        seq_n = int(driver.external_id.rsplit("-", 1)[1])
        external_id = f"RT-{self.day:%Y%m%d}-{metro.code}-{seq_n:02d}"
        # Most routes run on time; some fall behind and tell customers so.
        late_by = rng.choices((0, rng.randint(25, 50), rng.randint(55, 95)), (80, 15, 5))[0]
        gap = (end - departs - timedelta(minutes=50)) / stops
        ref = RouteRef(
            external_id=external_id,
            service_date=self.day,
            driver=DriverRef(external_id=driver.external_id, name=driver.name, phone=driver.phone),
        )
        late_noticed = departs + (end - departs) * 0.35
        for index in range(stops):
            planned = departs + timedelta(minutes=20) + gap * index
            slip = timedelta(minutes=late_by * index / stops + rng.uniform(-6, 6))
            self.stop(
                driver,
                ref,
                index + 1,
                planned,
                planned + slip,
                departs,
                late_noticed if late_by >= 25 else None,
            )
        status = "planned" if self.as_of < departs else "started" if self.as_of < end else "done"
        return DemoRoute(external_id, driver, start, end, departs, status)

    def stop(
        self,
        driver: DemoDriver,
        route: RouteRef,
        sequence: int,
        planned: datetime,
        actual: datetime,
        departs: datetime,
        late_noticed: datetime | None,
        *,
        number: str | None = None,
        details: DeliveryDetails | None = None,
        outcome: tuple[str, ReasonCode | None, str | None] | None = None,
    ) -> str:
        metro, rng, carrier = driver.metro, self.rng, driver.carrier_code
        number = number or self.tracking_number()
        details = details or self.details(metro)
        window = _window_around(planned)
        created_at = self.local(metro, 19) - timedelta(days=1, minutes=rng.randint(0, 180))
        self.emit("created", created_at, EventType.CREATED, number, carrier, delivery=details)
        assigned_at = self.local(metro, 5, 30) + timedelta(seconds=sequence * 7)
        self.emit(
            "route_assigned",
            assigned_at,
            EventType.ROUTE_ASSIGNED,
            number,
            carrier,
            route=route.model_copy(update={"sequence": sequence}),
            window=Window(**window),
            eta=planned,
        )
        if not self.emit(
            "out_for_delivery",
            departs + timedelta(seconds=sequence),
            EventType.OUT_FOR_DELIVERY,
            number,
            carrier,
            eta=actual,
        ):
            return number
        if late_noticed is not None and late_noticed < actual - timedelta(minutes=10):
            new_window = _window_around(actual)
            if new_window != window:
                self.emit(
                    "delayed",
                    late_noticed,
                    EventType.DELAYED,
                    number,
                    carrier,
                    eta=actual,
                    window=Window(**new_window),
                    reason_code=ReasonCode.CARRIER_OPS_DELAY,
                    reason_detail="Route running behind",
                )
        self.emit(
            "arriving",
            actual - timedelta(minutes=10),
            EventType.ARRIVING,
            number,
            carrier,
            eta=actual,
        )
        kind, reason, detail = outcome or self.outcome(details)
        if kind == "delivered":
            self.emit(
                "delivered",
                actual,
                EventType.DELIVERED,
                number,
                carrier,
                pod=ProofOfDelivery(
                    photo_urls=[f"{POD_BASE_URL}/{self.day:%Y/%m/%d}/{number}.jpg"],
                    signed_by=details.contact_person if details.is_business else None,
                ),
            )
        else:
            self.emit(
                "failed_attempt",
                actual,
                EventType.FAILED_ATTEMPT,
                number,
                carrier,
                reason_code=reason,
                reason_detail=detail,
            )
        return number

    def outcome(self, details: DeliveryDetails) -> tuple[str, ReasonCode | None, str | None]:
        rng = self.rng
        if details.is_business:
            if rng.random() < 0.06:
                return "failed", ReasonCode.BUSINESS_CLOSED, "Closed, dock shuttered"
            return "delivered", None, None
        if rng.random() >= 0.075:
            return "delivered", None, None
        choices = [
            c
            for c in RESIDENTIAL_FAILURES
            if not (details.access_code and c[0] is ReasonCode.NO_ACCESS)
        ]
        reason, _, detail = rng.choices(choices, [c[1] for c in choices])[0]
        return "failed", reason, detail

    def details(self, metro: Metro) -> DeliveryDetails:
        rng = self.rng
        # Some customers get two packages today: same name, phone and address.
        pool = self._repeat_pool.setdefault(metro.code, [])
        if pool and rng.random() < 0.06:
            name, phone, address = pool.pop(rng.randrange(len(pool)))
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            phone = self.phone(metro)
            city, zip_code = rng.choice(metro.cities)
            address = {
                "line1": f"{rng.randint(100, 4999)} {rng.choice(metro.streets)}",
                "line2": f"Apt {rng.randint(1, 12)}{rng.choice('ABCDEF')}"
                if rng.random() < 0.35
                else None,
                "city": city,
                "state": metro.state,
                "postal_code": zip_code,
                "country": "US",
                "timezone": metro.timezone,
            }
            pool.append((name, phone, address))
        first, last = name.split(" ", 1)
        fields: dict[str, Any] = {
            "external_id": f"ORD-{rng.randrange(10**6, 10**7)}",
            "recipient_name": name,
            "phone": phone,
            "email": f"{first.lower()}.{last.lower()}@example.com",
            "language": "es" if rng.random() < 0.12 else "en",
            "address": Address(**address),
            "service_date": self.day,
            "declared_value": Decimal(rng.randint(1500, 40000)) / 100,
        }
        if rng.random() < self.business_share:
            open_at = rng.choice((7, 8, 9))
            fields.update(
                is_business=True,
                business_name=f"{last} {rng.choice(BUSINESSES)}",
                receiving_hours=f"Mon-Fri {open_at}am-{open_at + 8 - 12}pm",
                dock=rng.choice(
                    (
                        "Dock 2, rear alley",
                        "Loading zone on side street",
                        "Front desk",
                        "Dock A, ring buzzer",
                    )
                ),
                contact_person=name,
                contact_phone=phone,
                handling_notes=rng.choice(("Fragile: glassware", "Keep upright", None)),
            )
            fields["address"] = Address(**{**address, "line2": f"Suite {rng.randint(100, 450)}"})
        else:
            if rng.random() < 0.12:
                fields["access_code"] = rng.choice(("#", "*", "")) + str(rng.randint(1000, 99999))
            if rng.random() < 0.15:
                fields["instructions"] = rng.choice(INSTRUCTIONS)
        return DeliveryDetails(**fields)

    # --- the well-known customers ---
    def showcase(self, route: DemoRoute, driver: DemoDriver, stops_before: int) -> None:
        """Six customers on the first NJ route whose stories are fixed relative to `as_of`."""
        metro, now = driver.metro, self.as_of
        ref = RouteRef(
            external_id=route.external_id,
            service_date=self.day,
            driver=DriverRef(external_id=driver.external_id, name=driver.name, phone=driver.phone),
        )
        delivered = ("delivered", None, None)
        no_access = ("failed", ReasonCode.NO_ACCESS, "Gate locked, no code on file")
        minutes = timedelta(minutes=1)
        # name, phone suffix, address, extra details, story, out at, arrives at, outcome
        stories: list[tuple[str, int, dict[str, str], dict[str, Any], str, int, int, Any]] = [
            ("Maria Lopez", 0, {"line1": "88 Grove St", "line2": "Apt 3C",
                                "city": "Jersey City", "postal_code": "07302"}, {},
             "out for delivery, a few stops away", -25, 35, delivered),
            ("James Carter", 1, {"line1": "415 Summit Ave", "city": "Newark",
                                 "postal_code": "07104"}, {},
             "failed attempt: gate locked, no code on file", -90, -25, no_access),
            ("Aisha Khan", 2, {"line1": "1020 Washington St", "line2": "Apt 5F",
                               "city": "Hoboken", "postal_code": "07030"}, {},
             "delivered, with a photo", -110, -50, delivered),
            ("Tom Nguyen", 3, {"line1": "77 Ferry St", "city": "Newark", "postal_code": "07105"},
             {"access_code": "#2580", "instructions": "Buzz 2, then the side door."},
             "scheduled for later today, access code on file", 180, 300, delivered),
            ("Dana Whitfield", 4, {"line1": "1 Gateway Center", "line2": "Suite 210",
                                   "city": "Newark", "postal_code": "07102"},
             {"is_business": True, "business_name": "Whitfield Dental Studio",
              "receiving_hours": "Mon-Fri 8am-4pm", "dock": "Front desk, 2nd floor",
              "contact_person": "Dana Whitfield", "handling_notes": "Keep upright"},
             "business delivery, scheduled", 120, 240, delivered),
            ("Sam Patel", 5, {"line1": "2600 Kennedy Blvd", "line2": "Apt 12A",
                              "city": "Jersey City", "postal_code": "07306"}, {},
             "first of two packages: delivered", -130, -70, delivered),
            ("Sam Patel", 5, {"line1": "2600 Kennedy Blvd", "line2": "Apt 12A",
                              "city": "Jersey City", "postal_code": "07306"}, {},
             "second of two packages: on the truck", -40, 80, delivered),
        ]  # fmt: skip
        for offset, (name, n, address, extra, story, out_at, arrives, outcome) in enumerate(
            stories, start=1
        ):
            phone = f"+1{metro.area_codes[0]}55501{n:02d}"
            first, last = name.split(" ", 1)
            details = DeliveryDetails(
                recipient_name=name,
                phone=phone,
                email=f"{first.lower()}.{last.lower()}@example.com",
                address=Address(
                    **address, state=metro.state, country="US", timezone=metro.timezone
                ),
                service_date=self.day,
                **({"contact_phone": phone} if extra.get("is_business") else {}),
                **extra,
            )
            arrival = now + arrives * minutes
            number = self.stop(
                driver,
                ref,
                stops_before + offset,
                arrival,
                arrival,
                now + out_at * minutes,
                None,
                details=details,
                outcome=outcome,
            )
            self.customers.append(DemoCustomer(name, phone, number, story))


def _window_around(moment: datetime) -> dict[str, datetime]:
    """The 2-hour window, on the hour, that a customer is promised around `moment`."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    start = hour - timedelta(hours=1) if moment.minute < 30 else hour
    return {"start": start, "end": start + timedelta(hours=2)}


# --- loading -------------------------------------------------------------------------------------


@dataclass(slots=True)
class LoadSummary:
    events_sent: int
    applied: int
    duplicates: int
    rejected: int
    statuses: dict[str, int]


def _insert(session: AsyncSession, table: Any) -> Any:
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


async def reset_store(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Empty every table (the demo's --reset)."""
    async with transaction(sessions) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())


async def load_day(
    sessions: async_sessionmaker[AsyncSession],
    day: DemoDay,
    *,
    operator_timezone: str = "America/New_York",
    operator_pattern: str = r"DS\d{8}",
    on_progress: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Write carriers, drivers and routes, then ingest the day's events in batches."""
    async with transaction(sessions) as session:
        await session.execute(
            _insert(session, Carrier).on_conflict_do_nothing(index_elements=["code"]),
            [{"code": code, "name": name} for code, name in CARRIERS],
        )
        carrier_ids = dict((await session.execute(sa.select(Carrier.code, Carrier.id))).all())
        await session.execute(
            _insert(session, Driver).on_conflict_do_nothing(index_elements=["external_id"]),
            [
                {
                    "external_id": d.external_id,
                    "carrier_id": carrier_ids[d.carrier_code],
                    "name": d.name,
                    "phone": d.phone,
                    "slack_user_id": d.slack_user_id,
                    "timezone": d.metro.timezone,
                    "active": True,
                }
                for d in day.drivers
            ],
        )
        driver_ids = dict((await session.execute(sa.select(Driver.external_id, Driver.id))).all())
        insert = _insert(session, Route)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["external_id"],
                set_={"status": insert.excluded.status},
            ),
            [
                {
                    "external_id": r.external_id,
                    "driver_id": driver_ids[r.driver.external_id],
                    "carrier_id": carrier_ids[r.driver.carrier_code],
                    "service_date": day.service_date,
                    "shift_start": r.shift_start.astimezone(UTC),
                    "shift_end": r.shift_end.astimezone(UTC),
                    "status": r.status,
                }
                for r in day.routes
            ],
        )
    summary = LoadSummary(len(day.events), 0, 0, 0, {})
    for start in range(0, len(day.events), MAX_BATCH):
        batch = day.events[start : start + MAX_BATCH]
        result = await ingest_events(
            sessions,
            batch,
            source=SOURCE,
            operator_pattern=operator_pattern,
            operator_timezone=operator_timezone,
        )
        summary.applied += result.applied
        summary.duplicates += result.duplicates
        summary.rejected += len(result.rejected)
        if on_progress is not None:
            on_progress(len(batch))
    summary.statuses = await status_mix(sessions, day.tracking_numbers)
    return summary


async def status_mix(
    sessions: async_sessionmaker[AsyncSession], tracking_numbers: list[str]
) -> dict[str, int]:
    """How many of these deliveries are in each status."""
    counts: Counter[str] = Counter()
    async with sessions() as session:
        for start in range(0, len(tracking_numbers), 500):
            chunk = tracking_numbers[start : start + 500]
            rows = await session.execute(
                sa.select(Delivery.status, sa.func.count())
                .where(Delivery.tracking_number.in_(chunk))
                .group_by(Delivery.status)
            )
            for status, count in rows.all():
                counts[str(DeliveryStatus(status))] += count
    return dict(counts)
