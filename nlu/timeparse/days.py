"""The day asked: the first day said that is not ruled out ("not home tomorrow, friday?":
friday), in the week asked for if one is, and the other days named as equally good."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from nlu.timeparse.mentions import _LISTED_OR_COMMA, _resolve_day
from nlu.timeparse.ruled_out import _asked_and_ruled_out, _classified

_CONTRAST = re.compile(
    r"\b(?:but|so|instead|rather|better|actually|pero|mejor|mas\s+bien|en\s+vez)\b"
)


def _resolve_asked(text: str, kind: str, match: re.Match[str], today: date) -> date | None:
    """A day asked, in the week asked for if one is ("next week, tuesday maybe": next week's)."""
    day = _resolve_day(kind, match, today)
    if day is None or kind != "weekday" or match.group("next"):
        return day
    weeks = [m for k, m in _classified(text)[0] if k == "week" and m.group("which") != "this"]
    if weeks:
        monday = _resolve_day("week", weeks[0], today)
        while monday is not None and day < monday:
            day += timedelta(days=7)
    return day


def _day(text: str, today: date, aside: Sequence[tuple[int, int]] = ()) -> date | None:
    """The day asked; `aside` holds spans whose days are said in passing ("we're only open 9-12
    on saturdays"), the ask only when no other day is said."""
    found = [
        (match.start(), resolved)
        for kind, match in _outside(_days_asked(text), aside)
        if (resolved := _resolve_asked(text, kind, match, today)) is not None
    ]
    if not found:
        return None
    # "we close at 5 friday so thursday is better": after a contrast, the later day is the ask.
    if len(found) > 1 and _CONTRAST.search(text[found[0][0] : found[-1][0]]):
        return found[-1][1]
    return found[0][1]


def _other_days_named(text: str, today: date, aside: Sequence[tuple[int, int]] = ()) -> list[date]:
    """The days listed after the first day asked as equally good ("wednesday or thursday",
    "tmrw, fri or mon"), in text order."""
    asked = _outside(_days_asked(text), aside)
    others: list[date] = []
    for (_, previous), (kind, match) in zip(asked, asked[1:], strict=False):
        if not _LISTED_OR_COMMA.fullmatch(text[previous.end() : match.start()]):
            break
        if (day := _resolve_asked(text, kind, match, today)) is not None:
            others.append(day)
    return others


def _todays_weekday_only(text: str, today: date) -> bool:
    """Today asked for only by its weekday ("wednesday" on a Wednesday), not as "today",
    "tonight", "this wednesday" or a date."""
    said_today = [
        (kind, match)
        for kind, match in _days_asked(text)
        if _resolve_day(kind, match, today) == today
    ]
    return bool(said_today) and all(
        kind == "weekday" and not match.group("next") for kind, match in said_today
    )


def _outside(
    mentions: list[tuple[str, re.Match[str]]], aside: Sequence[tuple[int, int]]
) -> list[tuple[str, re.Match[str]]]:
    kept = [
        (kind, match)
        for kind, match in mentions
        if not any(start <= match.start() < end for start, end in aside)
    ]
    return kept or mentions


def _days_asked(text: str) -> list[tuple[str, re.Match[str]]]:
    """The days said, less those the customer rules out, in text order."""
    return _asked_and_ruled_out(text)[0]
