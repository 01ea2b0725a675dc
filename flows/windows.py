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
        window = Window(start, start + step)
        if _receiving(window, policy):
            windows.append(window)
        start += step
    if not windows and (fitted := _fitted(day, policy)) is not None:
        windows.append(fitted)
    return windows


def _fitted(day: date, policy: Policy) -> Window | None:
    """One window clipped to receiving hours that no standard window fits ("open 9-10 on
    saturdays", "open 9-11"), when it is as long as the operator's shortest window."""
    if policy.receiving_days is None and not policy.said_hours:
        return None
    hours = receiving_hours_on(day.weekday(), policy)
    if hours is None:
        return None
    tz, receiving_tz = ZoneInfo(policy.timezone), ZoneInfo(policy.receiving_tz or policy.timezone)
    start = max(
        datetime.combine(day, policy.operating_start, tz),
        datetime.combine(day, hours[0], receiving_tz),
    )
    end = min(
        datetime.combine(day, policy.operating_end, tz),
        datetime.combine(day, hours[1], receiving_tz),
        start + timedelta(hours=policy.window_hours),
    )
    if end - start < timedelta(minutes=policy.shortest_window_minutes):
        return None
    return Window(start, end)


def no_window_fits(day: date, policy: Policy) -> tuple[time, time] | None:
    """The receiving hours said or on record for an operating day when no window fits in them
    (too short, or outside the operator's hours); None when that day has windows or no hours."""
    if day.weekday() not in policy.operating_days or day_windows(day, policy):
        return None
    if policy.receiving_days is None and not policy.said_hours:
        return None
    return receiving_hours_on(day.weekday(), policy)


def _receiving(window: Window, policy: Policy) -> bool:
    """Within the hours the delivery can be received that day (always, for a home delivery
    whose customer said none)."""
    if policy.receiving_days is None and not policy.said_hours:
        return True
    tz = ZoneInfo(policy.receiving_tz or policy.timezone)
    start, end = window.start.astimezone(tz), window.end.astimezone(tz)
    hours = receiving_hours_on(start.weekday(), policy)
    if hours is None:
        return False
    opens, close = hours
    return start.time() >= opens and end.time() <= close and end.date() == start.date()


def receiving_hours_on(weekday: int, policy: Policy) -> tuple[time, time] | None:
    """A weekday's receiving hours (Mon=0): the business's on record, narrowed by hours the
    customer said for every day, and replaced by those they said for that weekday ("open 9-12
    saturdays"); None when nothing is received that day."""
    receives = policy.receiving_days is None or weekday in policy.receiving_days
    opens, close = policy.receiving_open or time(0), policy.receiving_close or time(23, 59)
    for said in policy.said_hours:
        said_opens = time.fromisoformat(said.opens) if said.opens else None
        said_close = time.fromisoformat(said.closes) if said.closes else None
        if said.days is None:
            opens = max(opens, said_opens or opens)
            close = min(close, said_close or close)
        elif weekday in said.days:
            receives = True
            opens, close = said_opens or opens, said_close or close
    return (opens, close) if receives and opens < close else None


def servable(now: datetime, load: Load, policy: Policy) -> Iterator[Window]:
    """Windows from tomorrow to the horizon with room left, earliest first, on no day (and in
    no hours) the customer ruled out.

    Today's routes are already planned and loaded, so a rebook starts the next operating day.
    """
    today = now.astimezone(ZoneInfo(policy.timezone)).date()
    for offset in range(1, policy.rebook_horizon_days + 1):
        day = today + timedelta(days=offset)
        if day in policy.days_ruled_out or load.per_day.get(day, 0) >= policy.daily_capacity:
            continue
        for window in day_windows(day, policy):
            if load.per_window.get(window.start, 0) >= policy.window_capacity:
                continue
            if overlaps_hours_ruled_out(window.start, window.end, policy):
                continue
            yield window


def overlaps_hours_ruled_out(start: datetime, end: datetime, policy: Policy) -> bool:
    """Whether a window runs into hours the customer said not to come in ("not between 11 and
    2": 10am-12pm does, 2-4pm does not)."""
    if not policy.hours_ruled_out:
        return False
    tz = ZoneInfo(policy.hours_ruled_out_tz or policy.timezone)
    first, last = start.astimezone(tz), end.astimezone(tz)
    if last.date() != first.date():  # runs past midnight: to the end of the day
        last = datetime.combine(first.date(), time(23, 59), tz)
    return any(first.time() < hi and last.time() > lo for lo, hi in policy.hours_ruled_out)


def offer(
    now: datetime, load: Load, policy: Policy, *, without: frozenset[Window] = frozenset()
) -> list[Window]:
    """A short, varied choice: the first morning and afternoon window of the next days (none
    the customer just turned down: `without`)."""
    chosen: list[Window] = []
    seen: set[tuple[date, bool]] = set()
    for window in servable(now, load, policy):
        slot = (window.start.date(), window.start.hour >= 12)
        if slot in seen or window in without:
            continue
        seen.add(slot)
        chosen.append(window)
        if len(chosen) == policy.windows_offered:
            break
    return chosen


def beyond_horizon(now: datetime, policy: Policy) -> bool:
    """Every operating day we can book is one the customer ruled out ("I'm away until the
    20th", past the horizon): no window is theirs to pick until they are back."""
    today = now.astimezone(ZoneInfo(policy.timezone)).date()
    days = [today + timedelta(days=n) for n in range(1, policy.rebook_horizon_days + 1)]
    bookable = [day for day in days if day.weekday() in policy.operating_days]
    return bool(bookable) and all(day in policy.days_ruled_out for day in bookable)


def matching(
    now: datetime,
    load: Load,
    policy: Policy,
    *,
    day: date | None,
    after: str | None,
    before: str | None,
    tz: str | None = None,
) -> Window | None:
    """The earliest servable window on `day` (any day if None) within after/before ("HH:MM").

    The day and the bounds are the customer's, in their time zone `tz` (the operator's if None).
    """
    for window in on_terms(now, load, policy, after=after, before=before, tz=tz, limit=None):
        if day is None or _local(window.start, tz, policy).date() == day:
            return window
    return None


def on_terms(
    now: datetime,
    load: Load,
    policy: Policy,
    *,
    after: str | None,
    before: str | None,
    tz: str | None = None,
    from_day: date | None = None,
    limit: int | None = 3,
    one_per_day: bool = False,
    without: frozenset[Window] = frozenset(),
) -> list[Window]:
    """Servable windows within the customer's after/before bounds, from `from_day` on (none the
    customer just turned down: `without`)."""
    lower = time.fromisoformat(after) if after else None
    upper = time.fromisoformat(before) if before else None
    found: list[Window] = []
    days: set[date] = set()
    for window in servable(now, load, policy):
        start = _local(window.start, tz, policy)
        end = _local(window.end, tz, policy)
        if window in without:
            continue
        if from_day is not None and start.date() < from_day:
            continue
        if one_per_day and start.date() in days:
            continue
        if lower is not None and start.time() < lower:
            continue
        if upper is not None and (end.time() > upper or end.time() == time(0)):
            continue
        found.append(window)
        days.add(start.date())
        if limit is not None and len(found) >= limit:
            break
    return found


def _local(moment: datetime, tz: str | None, policy: Policy) -> datetime:
    return moment.astimezone(ZoneInfo(tz or policy.timezone))
