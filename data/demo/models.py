"""The demo day as planned: its drivers, routes, well-known customers and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from data.demo.places import Metro
from data.ingest.events import CanonicalEvent


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
