"""The days said: "tmrw", "fri", "next monday", "the 14th", "3/12", found in text order and
each resolved against today (asked for or ruled out: decided in `days` and `ruled_out`)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from nlu.timeparse.vocabulary import MONTHS, WEEKDAYS

_MONTH_RE = "|".join(MONTHS)
_DAY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (
        "numeric",
        re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2,4}))?(?![\d/])"),
    ),
    (
        "month_day",
        re.compile(rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_RE})\b"
        ),
    ),
    ("day_after_tomorrow", re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b")),
    ("tomorrow", re.compile(r"\btomorrow\b")),
    (
        "today",
        re.compile(
            r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening|am|pm)|later\s+today)\b"
        ),
    ),
    ("in_days", re.compile(r"\bin\s+(?P<n>\d{1,2}|a\s+couple(?:\s+of)?|two|three)\s+days\b")),
    ("weekend", re.compile(r"\b(?P<next>next\s+)?(?:this\s+|the\s+)?weekend\b")),
    # A week is no day asked: it rules out days ("closed next week", "not this week") or asks
    # for none before it ("move it to next week", "hold it until next week").
    ("week", re.compile(r"\b(?P<which>next|this|the\s+following)\s+week\b")),
    (
        "weekday",
        re.compile(
            rf"\b(?P<next>next\s+|this\s+(?:coming\s+)?|coming\s+)?(?P<wd>{'|'.join(WEEKDAYS)})s?\b"
        ),
    ),
    (
        "ordinal",
        re.compile(
            r"\b(?:on\s+)?the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:floor|fl\b|door|house|bldg"
            r"|building|stop|street|st\b|ave|[-:]|to\b|and\b|or\b|am|pm|packages?|boxes|items"
            r"|days?|hours?|mins?|minutes?|of\s+(?:them|those|these)))"
            r"|\b(?P<d2>\d{1,2})(?:st|nd|rd|th)\b(?!\s*(?:floor|fl\b|door|house|street|st\b|ave))"
        ),
    ),
]
_NUMBER_WORDS = {"two": 2, "three": 3, "a couple": 2, "a couple of": 2}


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _a_week_on(prefix: str) -> bool:
    """ "next friday" or "this coming friday" said on a Friday is a week later."""
    return prefix.startswith("next") or "coming" in prefix


def _next_month_day(today: date, month: int, day: int, year: int | None = None) -> date | None:
    years = [year] if year is not None else [today.year, today.year + 1]
    for y in years:
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        if year is not None or candidate >= today:
            return candidate
    return None


def _next_day_of_month(today: date, day: int) -> date | None:
    for offset in range(0, 13):
        month = (today.month - 1 + offset) % 12 + 1
        year = today.year + (today.month - 1 + offset) // 12
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _resolve_day(kind: str, match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if kind == "iso":
        return _next_month_day(today, int(groups["m"]), int(groups["d"]), int(groups["y"]))
    if kind == "numeric":
        month, day = int(groups["m"]), int(groups["d"])
        if month > 12 >= day:  # 23/11 can only be day/month
            month, day = day, month
        year = groups.get("y")
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        return _next_month_day(today, month, day, full_year)
    if kind in ("month_day", "day_month"):
        return _next_month_day(today, MONTHS.index(groups["mon"]) + 1, int(groups["d"]))
    if kind == "day_after_tomorrow":
        return today + timedelta(days=2)
    if kind == "tomorrow":
        return today + timedelta(days=1)
    if kind == "today":
        return today
    if kind == "in_days":
        n = groups["n"]
        return today + timedelta(days=int(n) if n.isdigit() else _NUMBER_WORDS.get(n, 2))
    if kind == "week":  # next week's Monday, or today for this week
        if groups["which"] == "this":
            return today
        return today + timedelta(days=7 - today.weekday())
    if kind == "weekend":
        saturday = _next_weekday(today, 5)
        if groups.get("next") and today.weekday() in (5, 6):
            saturday += timedelta(days=7)
        return saturday
    if kind == "weekday_of_next_week":  # "thursday next week", "next week on friday"
        monday = today + timedelta(days=7 - today.weekday())
        return monday + timedelta(days=WEEKDAYS.index(groups["wd"]))
    if kind == "weekday_of_this_week":
        return _next_weekday(today, WEEKDAYS.index(groups["wd"]))
    if kind == "weekday":
        day = _next_weekday(today, WEEKDAYS.index(groups["wd"]))
        if day == today and _a_week_on(groups.get("next") or ""):
            day += timedelta(days=7)
        return day
    if kind == "ordinal":
        return _next_day_of_month(today, int(groups.get("d") or groups.get("d2")))
    return None


def _day_mentions(text: str) -> list[tuple[str, re.Match[str]]]:
    """The days said, in text order; where two patterns overlap, the earlier pattern wins. A
    week that names its days ("thursday and friday next week") is no mention of its own."""
    mentions: list[tuple[str, re.Match[str]]] = []
    for kind, pattern in _DAY_PATTERNS:
        for match in pattern.finditer(text):
            if not any(_overlap(match, taken) for _, taken in mentions):
                mentions.append((kind, match))
    return _weeks_naming_days(text, sorted(mentions, key=lambda mention: mention[1].start()))


# How days are listed together: "wednesday or thursday", "mon, tue or wed", "jueves y viernes".
_LISTED = re.compile(r"\s*,?\s*(?:and|or|&|/|nor|y|o)(?:\s+(?:on|el|la|los|las))?\s*")
_LISTED_OR_COMMA = re.compile(rf"{_LISTED.pattern}|\s*,\s*")

# How a week is said with the days it names: "thursday next week", "friday of next week",
# "jueves de la próxima semana" (normalized: "de next week"); "next week thursday", "next week
# on friday", "la próxima semana el lunes".
_DAYS_THEN_WEEK = re.compile(r"\s*(?:(?:of|in|de|en)\s+)?(?:the\s+|la\s+)?")
_WEEK_THEN_DAYS = re.compile(r"\s*(?:(?:on|el|los)\s+)?")
# Days listed, or said as a range, with the one next to the week: "mon to wed next week".
_DAYS_LINKED = re.compile(rf"{_LISTED_OR_COMMA.pattern}|\s*(?:-|–|to|through|thru|al)\s*")


def _weeks_naming_days(
    text: str, mentions: list[tuple[str, re.Match[str]]]
) -> list[tuple[str, re.Match[str]]]:
    """ "closed thursday and friday next week": the week says which thursday and friday, so
    those weekdays resolve in it and the week itself is dropped (it would rule out, or ask for,
    all seven days). A week said on its own ("away next week") is kept."""
    result = list(mentions)
    for i, (kind, week) in enumerate(mentions):
        if kind != "week":
            continue
        named = _named_days(text, mentions, i, step=-1, link=_DAYS_THEN_WEEK)
        named = named or _named_days(text, mentions, i, step=1, link=_WEEK_THEN_DAYS)
        if not named:
            continue
        which = "this" if week.group("which") == "this" else "next"
        result.remove((kind, week))
        for j in named:
            result[result.index(mentions[j])] = (f"weekday_of_{which}_week", mentions[j][1])
    return result


def _named_days(
    text: str,
    mentions: list[tuple[str, re.Match[str]]],
    i: int,
    *,
    step: int,
    link: re.Pattern[str],
) -> list[int]:
    """The bare weekdays right before (step -1) or after (step 1) the week at `i` that it
    names: the one next to it, and those listed with that one."""
    named: list[int] = []
    j, joined = i + step, link
    while 0 <= j < len(mentions):
        kind, match = mentions[j]
        if kind != "weekday" or match.group("next") or match.group(0).endswith("s"):
            break
        here, there = sorted((mentions[j - step][1], match), key=lambda m: m.start())
        if not joined.fullmatch(text[here.end() : there.start()]):
            break
        named.append(j)
        j, joined = j + step, _DAYS_LINKED
    return named


def _overlap(a: re.Match[str], b: re.Match[str]) -> bool:
    return a.start() < b.end() and b.start() < a.end()
