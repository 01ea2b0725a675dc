"""The operator's rules, read once from settings: what the assistant may do on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.settings import Settings
from nlu.timeparse import Hours


@dataclass(frozen=True, slots=True)
class Policy:
    timezone: str = "America/New_York"
    operating_days: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    operating_start: time = time(8, 0)
    operating_end: time = time(20, 0)
    window_hours: int = 2
    # A day whose receiving hours fit no standard window ("open 9-10 saturdays") gets one window
    # clipped to them when they last at least this long; shorter hours get no window.
    shortest_window_minutes: int = 60
    daily_capacity: int = 400
    window_capacity: int = 60
    max_auto_rebooks: int = 3
    rebook_horizon_days: int = 7
    windows_offered: int = 3
    confidence_threshold: float = 0.3
    low_confidence_turns: int = 2
    human_response_hours: int = 2
    # Business days (Mon-Fri) the claims team takes to contact a customer about a claim.
    claim_response_business_days: int = 2
    brand: str = "Doorstep Deliveries"
    support_contact: str = ""
    depot_address: str = ""
    depot_hours: str = ""
    # A business's receiving days and hours, for one delivery's windows (flows/business.py).
    receiving_days: tuple[int, ...] | None = None
    receiving_open: time | None = None
    receiving_close: time | None = None
    receiving_tz: str | None = None
    # Hours the customer said in this conversation ("we're only open 9-12 on saturdays").
    said_hours: tuple[Hours, ...] = ()
    # Days the customer said they cannot take in this rebook ("we're closed the 24th").
    days_ruled_out: frozenset[date] = frozenset()
    # Hours the customer said not to come in ("not between 11 and 2"), in their time zone.
    hours_ruled_out: tuple[tuple[time, time], ...] = ()
    hours_ruled_out_tz: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            timezone=settings.operator_timezone,
            operating_days=tuple(settings.operating_days),
            operating_start=settings.operating_start,
            operating_end=settings.operating_end,
            window_hours=settings.delivery_window_hours,
            shortest_window_minutes=settings.shortest_window_minutes,
            daily_capacity=settings.daily_capacity,
            window_capacity=settings.window_capacity,
            max_auto_rebooks=settings.max_auto_rebooks,
            confidence_threshold=settings.nlu_confidence_threshold,
            human_response_hours=settings.human_response_hours,
            claim_response_business_days=settings.claim_response_business_days,
            brand=settings.brand_name,
            support_contact=settings.support_contact,
            depot_address=settings.depot_address,
            depot_hours=settings.depot_hours,
        )
