"""The clock the time-parsing tests read customers' texts against: a week in November 2026."""

from __future__ import annotations

from datetime import date, datetime

WEDNESDAY = datetime(2026, 11, 18, 10, 0)  # local time in the recipient's zone
WEDNESDAY_AFTERNOON = datetime(2026, 11, 18, 15, 0)
WEDNESDAY_NIGHT = datetime(2026, 11, 18, 21, 30)
FRIDAY = datetime(2026, 11, 20, 9, 30)


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


def days_before(back: date) -> list[date]:
    """Every day from the Wednesday the message is sent until `back`, not `back` itself."""
    today = WEDNESDAY.date()
    return [date.fromordinal(n) for n in range(today.toordinal(), back.toordinal())]
