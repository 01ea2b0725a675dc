"""Builds the demo day's routes, stops and their events, keeping only what happened by `as_of`."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from data.demo.models import DemoCustomer, DemoDriver, DemoRoute
from data.demo.people import BUSINESSES, FIRST, INSTRUCTIONS, LAST
from data.demo.places import Metro
from data.ingest.events import (
    Address,
    CanonicalEvent,
    DeliveryDetails,
    DriverRef,
    ProofOfDelivery,
    RouteRef,
    Window,
)
from data.reason_codes import ReasonCode
from data.state_machine import EventType

POD_BASE_URL = "https://pod.doorstep.example"
RESIDENTIAL_FAILURES: tuple[tuple[ReasonCode, float, str], ...] = (
    (ReasonCode.RECIPIENT_UNAVAILABLE, 0.34, "Signature required, nobody home"),
    (ReasonCode.NO_ACCESS, 0.22, "Gate locked, no code on file"),
    (ReasonCode.NO_SAFE_LOCATION, 0.16, "No safe place to leave it"),
    (ReasonCode.ADDRESS_INCORRECT_OR_INCOMPLETE, 0.12, "Unit number missing"),
    (ReasonCode.CUSTOMER_REQUESTED_RESCHEDULE, 0.08, "Customer asked for another day"),
    (ReasonCode.REFUSED, 0.05, "Refused at the door"),
    (ReasonCode.DAMAGED, 0.03, "Box crushed in the van"),
)


class Planner:
    """Builds routes, stops and their events; keeps only what happened by `as_of`."""

    def __init__(
        self, service_date: date, as_of: datetime, rng: random.Random, business_share: float
    ) -> None:
        self.day = service_date
        # Businesses in the demo receive on the day being shown (a Saturday day has Saturday
        # receivers), so their deliveries today are believable.
        self.receiving_days = "Mon-Fri" if service_date.weekday() < 5 else "Mon-Sat"
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
                receiving_hours=f"{self.receiving_days} {open_at}am-{open_at + 8 - 12}pm",
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

    def _open_until(self, metro: Metro, arrival: datetime) -> str:
        """Receiving hours from 8am that take in the window promised around `arrival` (a
        showcase business is booked for later today, whatever the hour the demo is made): a
        booking outside its own hours would be the demo's mistake, not the customer's."""
        window_end = _window_around(arrival)["end"].astimezone(ZoneInfo(metro.timezone))
        closes = min(max(16, window_end.hour + (window_end.minute > 0)), 22)
        return f"{self.receiving_days} 8am-{closes - 12}pm"

    # --- the well-known customers ---
    def showcase(self, route: DemoRoute, driver: DemoDriver, stops_before: int) -> None:
        """Eight customers on the first NJ route whose stories are fixed relative to `as_of`."""
        metro, now = driver.metro, self.as_of
        ref = RouteRef(
            external_id=route.external_id,
            service_date=self.day,
            driver=DriverRef(external_id=driver.external_id, name=driver.name, phone=driver.phone),
        )
        delivered = ("delivered", None, None)
        no_access = ("failed", ReasonCode.NO_ACCESS, "Gate locked, no code on file")
        no_unit = (
            "failed",
            ReasonCode.ADDRESS_INCORRECT_OR_INCOMPLETE,
            "No apartment number; 40 units, no name on the buzzers",
        )
        damaged = ("failed", ReasonCode.DAMAGED, "Box crushed in the van; back to the depot")
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
              "receiving_hours": self._open_until(metro, now + 240 * minutes),
              "dock": "Front desk, 2nd floor",
              "contact_person": "Dana Whitfield", "handling_notes": "Keep upright"},
             "business delivery, scheduled", 120, 240, delivered),
            ("Sam Patel", 5, {"line1": "2600 Kennedy Blvd", "line2": "Apt 12A",
                              "city": "Jersey City", "postal_code": "07306"}, {},
             "first of two packages: delivered", -130, -70, delivered),
            ("Sam Patel", 5, {"line1": "2600 Kennedy Blvd", "line2": "Apt 12A",
                              "city": "Jersey City", "postal_code": "07306"}, {},
             "second of two packages: on the truck", -40, 80, delivered),
            ("Priya Raman", 6, {"line1": "700 Hudson St", "city": "Hoboken",
                                "postal_code": "07030"}, {},
             "failed attempt: the address has no apartment number", -120, -60, no_unit),
            ("Carlos Mendez", 7, {"line1": "312 Ferry St", "city": "Newark",
                                  "postal_code": "07105"}, {"language": "es"},
             "failed attempt: damaged on the way (texts in Spanish)", -100, -40, damaged),
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
