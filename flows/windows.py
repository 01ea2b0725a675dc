"""Concrete delivery windows the operator can serve, given how full each day already is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.model import Load
from flows.policy import Policy


@dataclass(frozen=True, slots=True, order=True)
class Window:
    start: datetime
    end: datetime

    def to_json(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat()]

    @classmethod
    def from_json(cls, data: list[str]) -> Window:
        return cls(datetime.fromisoformat(data[0]), datetime.fromisoformat(data[1]))


def day_windows(day: date, policy: Policy) -> list[Window]:
    """Every window of an operating day, in the operator's time zone."""
    if day.weekday() not in policy.operating_days:
        return []
    tz = ZoneInfo(policy.timezone)
    start = datetime.combine(day, policy.operating_start, tz)
    close = datetime.combine(day, policy.operating_end, tz)
    step = timedelta(hours=policy.window_hours)
    windows = []
    while start + step <= close:
        windows.append(Window(start, start + step))
        start += step
    return windows


def servable(now: datetime, load: Load, policy: Policy) -> Iterator[Window]:
    """Windows from tomorrow to the horizon with room left, earliest first.

    Today's routes are already planned and loaded, so a rebook starts the next operating day.
    """
    today = now.astimezone(ZoneInfo(policy.timezone)).date()
    for offset in range(1, policy.rebook_horizon_days + 1):
        day = today + timedelta(days=offset)
        if load.per_day.get(day, 0) >= policy.daily_capacity:
            continue
        for window in day_windows(day, policy):
            if load.per_window.get(window.start, 0) >= policy.window_capacity:
                continue
            yield window


def offer(now: datetime, load: Load, policy: Policy) -> list[Window]:
    """A short, varied choice: the first morning and afternoon window of the next days."""
    chosen: list[Window] = []
    seen: set[tuple[date, bool]] = set()
    for window in servable(now, load, policy):
        slot = (window.start.date(), window.start.hour >= 12)
        if slot in seen:
            continue
        seen.add(slot)
        chosen.append(window)
        if len(chosen) == policy.windows_offered:
            break
    return chosen


def matching(
    now: datetime,
    load: Load,
    policy: Policy,
    *,
    day: date | None,
    after: str | None,
    before: str | None,
) -> Window | None:
    """The earliest servable window on `day` (any day if None) within after/before ("HH:MM")."""
    lower = time.fromisoformat(after) if after else None
    upper = time.fromisoformat(before) if before else None
    for window in servable(now, load, policy):
        if day is not None and window.start.date() != day:
            continue
        if lower is not None and window.start.timetz().replace(tzinfo=None) < lower:
            continue
        end = window.end.timetz().replace(tzinfo=None)
        if upper is not None and (end > upper or end == time(0)):
            continue
        return window
    return None
