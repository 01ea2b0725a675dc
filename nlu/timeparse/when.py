"""What a message asks for: a day and/or a window, as `When`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from nlu.timeparse.clock import _fmt
from nlu.timeparse.days import _day
from nlu.timeparse.normalize import normalize_sms
from nlu.timeparse.windows import _window


@dataclass(frozen=True, slots=True)
class When:
    """A day and/or a window: date None when no day was said; bounds are "HH:MM" or None."""

    date: date | None = None
    after: str | None = None
    before: str | None = None


def parse_when(text: str, now: datetime) -> When:
    """The day and window a message asks for; `now` is the recipient's local time."""
    normalized = normalize_sms(text)
    day = _day(normalized, now.date())
    after, before = _window(normalized)
    return When(date=day, after=_fmt(after), before=_fmt(before))
