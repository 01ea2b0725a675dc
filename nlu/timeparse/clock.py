"""Clock times: the regex for one ("5", "5:30pm", "noon"), reading it, and "HH:MM" out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

_NOT_A_CLOCK = (
    r"(?!\s*(?:(?:st|nd|rd|th)\b|days?|dias?|weeks?\b|hours?|hrs?|mins?|minutes?|business|times|"
    r"packages?|boxes|items|stops?|floors?|of\b|/|-\s*\d{3}|%|\$|x\b))"
)
_CLOCK = (
    r"(?:(?P<@h>\d{1,2})(?::(?P<@m>\d\d))?(?P<@ap>am|pm)?(?!\d)" + _NOT_A_CLOCK + r"|"
    r"(?P<@noon>noon)|(?P<@midnight>midnight))"
)


def _clock(name: str) -> str:
    return _CLOCK.replace("@", name)


@dataclass(frozen=True, slots=True)
class _Clock:
    hour: int
    minute: int
    meridiem: str | None  # "am"/"pm" when said, "noon" for noon

    def minutes(self, *, prefer: tuple[int, int] | None = None) -> int | None:
        """Minutes after midnight, with the delivery-hours rule for a bare hour."""
        h, m = self.hour, self.minute
        if self.meridiem == "noon":
            return 12 * 60
        if m > 59 or h > 24:
            return None
        if self.meridiem == "am":
            return (0 if h == 12 else h) * 60 + m if h <= 12 else None
        if self.meridiem == "pm":
            return (h if h == 12 else h + 12) * 60 + m if h <= 12 else None
        if h >= 13 or h == 0:
            return (h % 24) * 60 + m
        if prefer is not None:
            for candidate in (h * 60 + m, (h + 12) * 60 + m):
                if prefer[0] <= candidate <= prefer[1]:
                    return candidate
        if h == 12:
            return 12 * 60 + m
        return (h + 12 if h <= 7 else h) * 60 + m


def clock_time(hour: str, minute: str | None, meridiem: str | None) -> time | None:
    """A clock time said ("2", "2:30", "2 pm", "2 p.m."), a bare hour read by the delivery-hours
    rule (1-7 afternoon, 12 noon); None when it is no time of day ("25:00")."""
    half = (meridiem or "").replace(".", "").lower() or None
    minutes = _Clock(int(hour), int(minute or 0), half).minutes()
    return None if minutes is None or minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def _read_clock(match: re.Match[str], name: str) -> _Clock | None:
    if match.group(f"{name}noon"):
        return _Clock(12, 0, "noon")
    if match.group(f"{name}midnight"):
        return _Clock(0, 0, "am")
    hour = match.group(f"{name}h")
    if hour is None:
        return None
    return _Clock(int(hour), int(match.group(f"{name}m") or 0), match.group(f"{name}ap"))


def _fmt(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    minutes = max(0, min(minutes, 23 * 60 + 59))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
