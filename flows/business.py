"""Business deliveries: receiving hours ("Mon-Fri 8am-4pm") narrow the windows we offer, and
the hours and dock are said where the customer needs them (status, rebook). Hours a customer
says in the conversation ("we're only open 9-12 on saturdays") narrow them too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import time

from flows.model import DeliveryFacts
from flows.policy import Policy
from flows.windows import receiving_hours_on
from nlu.timeparse import stated_hours

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(
    r"(?P<d1>mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*(?:-|to|–)\s*(?P<d2>mon|tue|wed|thu|fri|sat|sun)"
    r"[a-z]*[\s,]+(?P<h1>\d{1,2})(?::(?P<m1>\d\d))?\s*(?P<p1>am|pm)?\s*(?:-|to|–)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d\d))?\s*(?P<p2>am|pm)",
    re.I,
)


def receiving(text: str | None) -> tuple[tuple[int, ...], time, time] | None:
    """("Mon-Fri 8am-4pm") -> ((0..4), 08:00, 16:00); None when it can't be read."""
    found = _HOURS.search(text or "")
    if found is None:
        return None
    first, last = _DAYS.index(found["d1"].lower()), _DAYS.index(found["d2"].lower())
    days = tuple(range(first, last + 1)) if first <= last else (*range(first, 7), *range(last + 1))
    close = _clock(found["h2"], found["m2"], found["p2"])
    opens = _clock(found["h1"], found["m1"], found["p1"] or found["p2"])
    if opens >= close and not found["p1"]:
        opens = _clock(found["h1"], found["m1"], "am")
    return (days, opens, close) if opens < close else None


def narrowed(
    policy: Policy, d: DeliveryFacts, transcript: Sequence[tuple[str, str]] = ()
) -> Policy:
    """The operator's policy, limited to this delivery's receiving days and hours: the
    business's on record, and those the customer said in this conversation."""
    hours = receiving(d.receiving_hours)
    if hours is not None:
        days, opens, close = hours
        policy = replace(
            policy,
            receiving_days=days,
            receiving_open=opens,
            receiving_close=close,
            receiving_tz=d.timezone,
        )
    said = tuple(h for who, text in transcript if who == "customer" for h in stated_hours(text))
    if said:
        policy = replace(policy, said_hours=said, receiving_tz=d.timezone)
    return policy


def hours_in_force(policy: Policy, d: DeliveryFacts) -> str | None:
    """The receiving hours the windows are chosen in, as the customer reads them: the record's
    as written ("Mon-Fri 8am-4pm"), or, once the customer said hours of their own, the hours
    that apply now ("Mon-Fri 10am-4pm, Sat 9am-12pm")."""
    if not policy.said_hours:
        return d.receiving_hours
    days = [(weekday, receiving_hours_on(weekday, policy)) for weekday in _days_told(policy)]
    groups: list[tuple[int, int, tuple[time, time]]] = []
    for weekday, hours in days:
        if hours is None or hours == (time(0), time(23, 59)):
            continue
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], weekday, hours)
        else:
            groups.append((weekday, weekday, hours))
    return ", ".join(_said(first, last, hours) for first, last, hours in groups) or None


def _days_told(policy: Policy) -> list[int]:
    """The operating weekdays whose hours the record or the customer gave."""
    told = set(policy.receiving_days or ())
    for said in policy.said_hours:
        told |= set(said.days if said.days is not None else policy.operating_days)
    return sorted(told & set(policy.operating_days))


def _said(first: int, last: int, hours: tuple[time, time]) -> str:
    """ "Mon-Fri 8am-4pm", "Sat 9-10am", "Mon-Sat until 2pm", "Fri from 11am"."""
    days = _DAYS[first].title() + (f"-{_DAYS[last].title()}" if last != first else "")
    opens, close = hours
    if opens == time(0):
        return f"{days} until {_spoken(close)}"
    if close == time(23, 59):
        return f"{days} from {_spoken(opens)}"
    return f"{days} {clock_range(hours)}"


def clock_range(hours: tuple[time, time]) -> str:
    """ "9-10am", "9:30am-12pm": opening to closing, as windows are said."""
    first, last = _spoken(hours[0]), _spoken(hours[1])
    if first[-2:] == last[-2:]:
        first = first[:-2]
    return f"{first}-{last}"


def _spoken(moment: time) -> str:
    """9am, 2:30pm, 12pm."""
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{moment.hour % 12 or 12}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def _clock(hour: str, minute: str | None, half: str | None) -> time:
    h = int(hour) % 12 + (12 if (half or "").lower() == "pm" else 0)
    return time(h, int(minute or 0))
