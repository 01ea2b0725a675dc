"""What a message asks for: a day and/or a window, as `When` (hours it says it is open are
not the ask: they are read by `stated_hours`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from nlu.timeparse.absences import _AWAY_UNTIL, _wait_bound
from nlu.timeparse.clock import _fmt
from nlu.timeparse.days import _day, _other_days_named, _todays_weekday_only
from nlu.timeparse.durations import _waits
from nlu.timeparse.hours import _hours_spans
from nlu.timeparse.mentions import _day_mentions
from nlu.timeparse.normalize import normalize_sms
from nlu.timeparse.ruled_out import _classified, _days_ruled_out
from nlu.timeparse.vocabulary import EVENING
from nlu.timeparse.windows import _hours_ruled_out, _window


@dataclass(frozen=True, slots=True)
class When:
    """A day and/or a window: date None when no day was said; bounds are "HH:MM" or None;
    ruled_out holds the days the customer says they cannot take, alternatives the other days
    named with the one asked ("wednesday or thursday": thursday); hours_ruled_out the ranges of
    hours ("HH:MM", "HH:MM") not to come in ("don't deliver between 11 and 2"): no window that
    overlaps one will do."""

    date: date | None = None
    after: str | None = None
    before: str | None = None
    ruled_out: tuple[date, ...] = ()
    alternatives: tuple[date, ...] = ()
    hours_ruled_out: tuple[tuple[str, str], ...] = ()


def parse_when(text: str, now: datetime) -> When:
    """The day and window a message asks for; `now` is the recipient's local time."""
    normalized = normalize_sms(text)
    hours = _hours_spans(normalized)
    day = _day(normalized, now.date(), aside=hours)
    excluded = _hours_ruled_out(_blanked(normalized, hours))
    after, before = _window(_blanked(normalized, hours + [span for span, _ in excluded]))
    ruled_out = tuple(_days_ruled_out(normalized, now.date()))
    others = [
        other
        for other in _other_days_named(normalized, now.date(), aside=hours)
        if other != day and other not in ruled_out
    ]
    if day == now.date() and _todays_weekday_only(normalized, day) and _over(before, now):
        # "wednesday morning" said on Wednesday afternoon: the next day named, or next week's
        others.append(day + timedelta(days=7))
        day = others.pop(0)
    hours_ruled_out = tuple((_fmt(lo) or "", _fmt(hi) or "") for _, (lo, hi) in excluded)
    return When(day, _fmt(after), _fmt(before), ruled_out, tuple(others), hours_ruled_out)


def todays_weekday_named(text: str, today: date) -> bool:
    """Whether the message asks for today only by naming its weekday ("bring it wednesday" on a
    Wednesday), not as "today", "tonight", "this afternoon" or "this wednesday"."""
    return _todays_weekday_only(normalize_sms(text), today)


# "will it come in a few days?": a question about the delivery, not a wait asked.
_ASKS_WHEN_IT_COMES = re.compile(
    r"\b(?:when|cuando)\b|\b(?:will|would|does|should|is)\s+(?:it|my|the|this)\b"
    r"|\bllegar\w*"
)


def asks_to_wait(text: str) -> bool:
    """Whether the customer asks us not to deliver before a later day, or says they are away
    until one: "hold it until monday", "keep it for a week", "I'm away a few days", "not for 3
    days", "en unos días", "after friday", "hold it for next week". A day asked outright
    ("bring it monday") is no wait."""
    normalized = normalize_sms(text)
    for wait in _waits(normalized):
        if not wait.counted_from_today or not _ASKS_WHEN_IT_COMES.search(normalized):
            return True
    if any(  # "hold it for next week", "move it to next week": none before it
        kind == "week" and match.group("which") != "this"
        for kind, match in _classified(normalized)[0]
    ):
        return True
    return any(
        _AWAY_UNTIL.search(normalized[max(0, match.start() - 60) : match.start()]) is not None
        or _wait_bound(normalized, kind, match) is not None
        for kind, match in _day_mentions(normalized)
    )


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _over(before: int | None, now: datetime) -> bool:
    """Today's window asked for (the day's last delivery hour if none) has already ended."""
    end = before if before is not None else EVENING[1]
    return now.hour * 60 + now.minute >= end
