"""Hours a customer says they are open: "we're only open 9-12 on saturdays", "we open at 10",
"receiving closes at 2:30 on fridays", "we close early today at 2", "cerramos a las 2". They
bound when a delivery can come on those days; they are not the window asked for, and their day
is not the day asked for. A closing time said for today ("we're only open till 2 today") bounds
every day, like one said with no day: a rebook is for a later day, and a window that ends by
then is one the business can take (the reply says the hours it used, so the customer can
correct them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.timeparse.clock import _Clock, _clock, _fmt, _read_clock
from nlu.timeparse.normalize import normalize_sms
from nlu.timeparse.vocabulary import WEEKDAYS


@dataclass(frozen=True, slots=True)
class Hours:
    """Opening hours said for some weekdays (Mon=0; None: every day); bounds "HH:MM" or None."""

    days: tuple[int, ...] | None
    opens: str | None
    closes: str | None


_WEEKDAY = rf"(?:{'|'.join(WEEKDAYS)})s?"
_DAYS = rf"(?:{_WEEKDAY}(?:\s*(?:-|to|through)\s*{_WEEKDAY})?|week\s?days|weekends)"
_OPEN = (
    r"(?:open|opens|opened|receiving(?:\s+is)?|(?:our\s+)?hours\s+(?:are|is)|abrimos|"
    r"abiert[oa]s?)"
)
_CLOSE = r"(?:close|closes|closing|shut|shuts|shutting|cerramos|cierra|cierran)"
# "we close early today at 2", "we shut up at 2", "cerramos temprano hoy a las 2", "we close
# early on fridays, at 2": a closing time said with words between it and the hour.
_CLOSING_WORDS = (
    r"(?:\s+(?:early|earlier|up|shop|down|today|hoy|temprano"
    rf"|(?:on\s+|los\s+)?(?P<days>{_DAYS})))*"
)
_ONLY = r"(?:(?:only|just|solo)\s+)?"
_OPEN_AT = r"(?:open|opens|open\s+up|abrimos)"
_STATEMENTS = [
    re.compile(
        rf"\b{_OPEN}\s+{_ONLY}(?:on\s+)?(?:(?P<days>{_DAYS})\s*,?\s*)?(?:from\s+|between\s+)?"
        rf"{_clock('a')}\s*(?:-|–|to|until|and)\s*{_clock('b')}"
    ),
    re.compile(rf"\b{_OPEN}\s+{_ONLY}(?:until|to)\s+{_clock('b')}"),
    re.compile(rf"\b{_CLOSE}{_CLOSING_WORDS}\s*,?\s+(?:at\s+|by\s+|around\s+)?{_clock('b')}"),
    re.compile(rf"\b{_OPEN_AT}\s+(?:at\s+|from\s+)?{_clock('a')}(?!\s*(?:-|–|to|until)\s*\d)"),
]
_DAYS_AFTER = re.compile(rf"\s*{_ONLY}(?:on\s+|los\s+)?{_DAYS}\b")
# "saturdays we're only open 9-12", "on fridays receiving closes at 2:30"
_DAYS_BEFORE = re.compile(
    rf"\b(?:on\s+)?{_DAYS}\s*,?\s*"
    r"(?:(?:we|i|they|it|the\s+\w+|receiving)(?:'re|'s|\s+are|\s+is|\s+re)?\s+)?"
    rf"{_ONLY}(?:are\s+|is\s+)?$"
)
_LOOK_BACK = 40
# "we're only open till 2 today", "today we close at 2": today said in passing, not asked for
# when another day is ("..., can you come tomorrow?").
_TODAY_AFTER = re.compile(r"\s*(?:only\s+)?(?:today|tonight)\b")
_TODAY_BEFORE = re.compile(
    r"\b(?:today|tonight)\s*,?\s*(?:(?:we|i|they|it|the\s+\w+)(?:'re|'s|\s+are|\s+is)?\s+)?"
    rf"{_ONLY}$"
)


def stated_hours(text: str) -> list[Hours]:
    """The opening hours a message states, each with the weekdays it names."""
    return [hours for hours, _ in _hours_said(normalize_sms(text))]


def _hours_spans(text: str) -> list[tuple[int, int]]:
    """Where the message states opening hours, days included: not the window or day asked."""
    return [span for _, span in _hours_said(text)]


def _hours_said(text: str) -> list[tuple[Hours, tuple[int, int]]]:
    """Each hours statement in a normalised message, with its span."""
    found: list[tuple[Hours, tuple[int, int]]] = []
    for pattern in _STATEMENTS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for _, (start, end) in found):
                continue
            opens, closes = _bounds(match)
            if opens is None and closes is None:
                continue
            days, span = _days_of(text, match)
            found.append((Hours(days, _fmt(opens), _fmt(closes)), span))
    return found


def _days_of(text: str, match: re.Match[str]) -> tuple[tuple[int, ...] | None, tuple[int, int]]:
    """The weekdays named in, right after or before an hours statement, and its span."""
    if "days" in match.re.groupindex and match.group("days"):
        return _weekdays(match.group("days")), match.span()
    start, end = match.span()
    after = _DAYS_AFTER.match(text, end)
    if after is not None:
        return _weekdays(after.group(0)), (start, after.end())
    before = _DAYS_BEFORE.search(text, max(0, start - _LOOK_BACK), start)
    if before is not None:
        return _weekdays(before.group(0)), (before.start(), end)
    if (today := _TODAY_AFTER.match(text, end)) is not None:
        return None, (start, today.end())
    if (today := _TODAY_BEFORE.search(text, max(0, start - _LOOK_BACK), start)) is not None:
        return None, (today.start(), end)
    return None, (start, end)


def _weekdays(said: str) -> tuple[int, ...]:
    if re.search(r"week\s?days", said):
        return (0, 1, 2, 3, 4)
    if "weekends" in said:
        return (5, 6)
    named = [WEEKDAYS.index(day) for day in re.findall("|".join(WEEKDAYS), said)]
    if len(named) == 2:
        first, last = named
        if first <= last:
            return tuple(range(first, last + 1))
        return (*range(first, 7), *range(last + 1))
    return tuple(named)


def _bounds(match: re.Match[str]) -> tuple[int | None, int | None]:
    opened = _read_clock(match, "a") if "ah" in match.re.groupindex else None
    closed = _read_clock(match, "b") if "bh" in match.re.groupindex else None
    opens = _opening(opened) if opened else None
    closes = _closing(closed, opens) if closed else None
    if closes == 0:  # "open till midnight"
        closes = 24 * 60 - 1
    if opens is not None and closes is not None and opens >= closes:
        return None, None
    return opens, closes


def _opening(clock: _Clock) -> int | None:
    """A bare opening hour 5-11 is am ("open 7 to 3"); otherwise the delivery-hours rule."""
    if clock.meridiem is None and 5 <= clock.hour <= 11:
        return clock.hour * 60 + clock.minute
    return clock.minutes()


def _closing(clock: _Clock, opens: int | None) -> int | None:
    """A bare closing hour is the first one after opening ("open 9-11" closes at 11am), and pm
    when no opening was said ("we close at 5")."""
    if clock.meridiem is not None or not 1 <= clock.hour <= 11:
        return clock.minutes()
    morning = clock.hour * 60 + clock.minute
    if opens is not None and morning > opens:
        return morning
    return morning + 12 * 60
