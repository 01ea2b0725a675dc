"""Days the customer rules out: "we're closed the 24th", "not wednesday", "fridays are bad",
"closed from friday to monday", "away until next week". `_classified` splits the days said into
those asked for and those ruled out; `_days_ruled_out` lists the dates ruled out."""

from __future__ import annotations

import re
from datetime import date, timedelta

from nlu.timeparse.absences import (
    _AWAY_DAYS_KEPT,
    _AWAY_UNTIL,
    _days_away,
    _first_day,
    _wait_bound,
)
from nlu.timeparse.durations import _days_waited, _waits
from nlu.timeparse.mentions import _LISTED, _LISTED_OR_COMMA, _day_mentions, _resolve_day
from nlu.timeparse.vocabulary import WEEKDAYS
from nlu.timeparse.windows import _nobody_then


def _days_ruled_out(text: str, today: date) -> list[date]:
    """The days the customer says they cannot take ("we're closed the 24th", "not wednesday"),
    in order. A weekday said as a habit ("fridays are bad") rules out the next few of it, and
    today's weekday said on its own ("not wednesday" on a Wednesday) next week's as well."""
    days: set[date] = set()
    ruled_out = _asked_and_ruled_out(text)[1]
    in_a_range: set[int] = set()
    for first, last in _ranges(text, ruled_out):
        span = _days_in_range(text, today, first, last)
        if span:
            days.update(span)
            in_a_range.update((first[1].start(), last[1].start()))
    # "move it to next week", "thursday next week please": none before that week
    for kind, match in _classified(text)[0]:
        if kind == "week" and (day := _resolve_day(kind, match, today)) is not None:
            days.update(_before(today, day))
        elif kind == "weekday_of_next_week" and (day := _resolve_day(kind, match, today)):
            days.update(_before(today, day - timedelta(days=day.weekday())))  # "thu next week"
    for wait in _waits(text):  # "hold it for a week", "away for 3 days from friday"
        days.update(_days_waited(wait, today, _AWAY_DAYS_KEPT))
        if wait.starts_on is not None:
            in_a_range.add(wait.starts_on[1].start())
    for kind, match in ruled_out:
        day = _resolve_day(kind, match, today)
        if day is None or match.start() in in_a_range:
            continue
        if (bound := _wait_bound(text, kind, match)) is not None:  # "after friday": none before
            last = min(_first_day(kind, day, bound), today + timedelta(days=_AWAY_DAYS_KEPT))
            days.update(_before(today, last))
            continue
        away = _AWAY_UNTIL.search(text[max(0, match.start() - 60) : match.start()])
        if kind == "week" and away is not None:  # "away until next week": none before it
            days.update(_before(today, day))
            continue
        if kind == "week":  # "closed next week": that week, to its Sunday
            days.update(day + timedelta(days=n) for n in range(7 - day.weekday()))
            continue
        if away is not None:
            days.update(_days_away(today, kind, day, through=bool(away.group("through"))))
            continue
        days.add(day)
        if kind == "weekday" and match.group(0).endswith("s"):
            days.update(day + timedelta(weeks=n) for n in range(1, _HABIT_WEEKS))
        elif kind == "weekday" and day == today and not match.group("next"):
            days.add(day + timedelta(weeks=1))
    return sorted(days)


def _before(today: date, day: date) -> list[date]:
    """Today and the days after it, up to (not including) `day`."""
    return [today + timedelta(days=n) for n in range((day - today).days)]


# How many weeks a weekday ruled out as a habit ("we're closed saturdays") is kept out of offers.
_HABIT_WEEKS = 5


def _asked_and_ruled_out(
    text: str,
) -> tuple[list[tuple[str, re.Match[str]]], list[tuple[str, re.Match[str]]]]:
    """The days said, split into those asked for and those the customer rules out (a week
    asked for is no day asked)."""
    asked, ruled_out = _classified(text)
    return [(kind, match) for kind, match in asked if kind != "week"], ruled_out


def _classified(
    text: str,
) -> tuple[list[tuple[str, re.Match[str]]], list[tuple[str, re.Match[str]]]]:
    """The days and weeks said, split into those asked for and those ruled out."""
    asked: list[tuple[str, re.Match[str]]] = []
    ruled_out: list[tuple[str, re.Match[str]]] = []
    ruled_out_end: int | None = None
    # "away for a week from friday": the day a while away starts is no day asked.
    starts_a_wait = {wait.starts_on[1].start() for wait in _waits(text) if wait.starts_on}
    for kind, match in _day_mentions(text):
        if (
            _day_ruled_out(text, *match.span())
            or _listed_after(text, ruled_out_end, match)
            or match.start() in starts_a_wait
            or _wait_bound(text, kind, match) is not None
        ):
            ruled_out_end = match.end()
            if _ruled_out_by_what_follows(text, match.end()):
                ruled_out.extend(_listed_before(text, asked, match))
            ruled_out.append((kind, match))
        else:
            asked.append((kind, match))
    # "closed from friday to monday", "out of town thu-sat": one end ruled out rules out both
    # (and every day between them: `_days_in_range`).
    mentions = sorted(asked + ruled_out, key=lambda mention: mention[1].start())
    for first, last in _ranges(text, mentions):
        if first in ruled_out or last in ruled_out:
            for end in (first, last):
                if end in asked:
                    asked.remove(end)
                    ruled_out.append(end)
    ruled_out.sort(key=lambda mention: mention[1].start())
    return asked, ruled_out


# "friday to monday", "fri thru mon", "thu-sat", "between friday and monday", "del viernes al
# lunes" (normalized: "thru" is "to", "til" is "until").
_RANGE_LINK = re.compile(r"\s*(?:-|–|to|through|until|al)\s*(?:the\s+|el\s+)?")
_BETWEEN = re.compile(r"\b(?:between|entre)\s+(?:the\s+|el\s+)?$")


def _ranges(
    text: str, mentions: list[tuple[str, re.Match[str]]]
) -> list[tuple[tuple[str, re.Match[str]], tuple[str, re.Match[str]]]]:
    """The pairs of days said as the two ends of a range, in text order."""
    pairs = []
    for first, last in zip(mentions, mentions[1:], strict=False):
        link = text[first[1].end() : last[1].start()]
        if _RANGE_LINK.fullmatch(link) or (
            re.fullmatch(r"\s*(?:and|&|y)\s*(?:the\s+|el\s+)?", link)
            and _BETWEEN.search(text[: first[1].start()])
        ):
            pairs.append((first, last))
    return pairs


def _days_in_range(
    text: str, today: date, first: tuple[str, re.Match[str]], last: tuple[str, re.Match[str]]
) -> list[date]:
    """Every day from the first end of a range to the last ("until" the last: the day before
    it); a weekday at the end is the first one on or after the start. Empty if backwards."""
    start = _resolve_day(first[0], first[1], today)
    if start is None:
        return []
    if last[0] == "weekday":
        end = start + timedelta(days=(WEEKDAYS.index(last[1].group("wd")) - start.weekday()) % 7)
    else:
        end = _resolve_day(last[0], last[1], today)
    if end is None or end < start:
        return []
    if text[first[1].end() : last[1].start()].strip() == "until":
        end -= timedelta(days=1)
    end = min(end, start + timedelta(days=_AWAY_DAYS_KEPT))
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _listed_before(
    text: str, asked: list[tuple[str, re.Match[str]]], match: re.Match[str]
) -> list[tuple[str, re.Match[str]]]:
    """ "wednesday and thursday are bad", "mon, tue or wed we're closed": the days listed right
    before a day ruled out by what follows it, taken off `asked` (the last link "and"/"or")."""
    taken: list[tuple[str, re.Match[str]]] = []
    start, link = match.start(), _LISTED
    while asked and link.fullmatch(text[asked[-1][1].end() : start]):
        taken.insert(0, asked.pop())
        start, link = taken[0][1].start(), _LISTED_OR_COMMA
    return taken


def _listed_after(text: str, ruled_out_end: int | None, match: re.Match[str]) -> bool:
    """ "closed the 24th and 25th", "can't do mon or tue": a day listed with a ruled-out one
    (unless it is said to work: "not monday or tuesday, wednesday works")."""
    if ruled_out_end is None or ruled_out_end > match.start():
        return False
    listed = _LISTED.fullmatch(text[ruled_out_end : match.start()]) is not None
    return listed and _ASKED_AFTER.match(text[match.end() :]) is None


# Words between "closed" and the day it rules out: not a turn to the ask ("closed so the 23rd").
_UNTURNED_WORDS = r"(?:\s+(?!(?:so|but|then|instead|can|could|would|will|please|pls)\b)\w+)"
_NOT_THERE_BEFORE = re.compile(
    r"\b(?:not|no|nobody|noone|cant|can't|cannot|wont|won't|isnt|isn't|aren't|unable)\b"
    r"(?:\s+\w+){0,3}?\s+(?:home|here|there|around|available|estar|estoy|voy|be|free|in|work)\b"
    r"(?:\s+(?!(?:but|so|pero)\b)\w+){0,2}\s*$"
    r"|\b(?:until|till|through|out\s+until|away\s+until)(?:\s+el)?\s*$"
    # "we're closed for inventory tomorrow", "im busy friday": that day is the one that can't be.
    r"|(?:\b(?:closed|shut|busy|away|out\s+of\s+town|on\s+vacation|travell?ing|cerrad[oa]s?|cerramos)"
    r"|\b(?:we're|were|we\s+are|we'll\s+be|well\s+be|i'm|im|i\s+am|i'll\s+be|ill\s+be)\s+off)"
    rf"\b{_UNTURNED_WORDS}{{0,3}}?\s+(?:on\s+)?$"
)
_DAY_NEGATED = re.compile(
    r"(?:\b(?:not|no|cant|can't|cannot|wont|won't|never|except|avoid|other\s+than|apart\s+from"
    r"|(?:anything|any\s+day|anytime|any\s+time)\s+but)"
    # "no puedo el viernes", "no me viene bien el martes", "can't take it on the 24th"
    r"|\bno\s+(?:puedo|podemos|estoy|estamos|me\s+(?:sirve|viene\s+bien|queda\s+bien))"
    r"|\b(?:cant|can't|cannot|wont|won't)\s+(?:take|receive|accept|get|sign\s+for)"
    r"(?:\s+(?:it|them|deliveries|a\s+delivery|the\s+package))?)"
    r"(?:\s+(?:do|make|on|this|the|be|there|here|home|available|around|free|in|el|la|los))*\s*$"
)
_RULED_OUT_AFTER = re.compile(
    r"^\s*(?:doesnt|doesn't|does\s+not|dont|don't|wont|won't|isnt|isn't|is\s+no\s+good|"
    r"no\s+good|(?:is|are)\s+bad|are\s+no\s+good|no\s+me\s+sirven?|no\s+puedo|no\s+funciona|"
    r"(?:is|are)\s+(?:out(?!\s+for\b)|impossible)|no\s+me\s+(?:viene|queda)\s+bien|"
    # "martes no, jueves si": a bare no after the day, ending its clause
    r"no(?=\s*(?:[,.;!]|$)))\b"
)
_WHO = (
    r"(?:we're|were|we\s+are|we'll\s+be|well\s+be|we\s+will\s+be|i'm|im|i\s+am|i'll\s+be|ill\s+be|"
    r"i\s+will\s+be|(?:the|our)\s+\w+\s+(?:is|will\s+be)|it's|its|estamos|estoy)"
)
_CLOSURE = (
    r"(?:closed|shut|busy|away|off|out(?:\s+of\s+town)?|on\s+vacation|travell?ing|cerrad[oa]s?|"
    r"not\s+(?:open|home|here|there|in|around|available))"
)
# "the 24th we're shut, can it come the 23rd": the closure said after the day, ending its clause
# (not "the 23rd? we're closed the 24th", where it belongs to the day after it).
_CLOSED_AFTER = re.compile(
    rf"^\s*(?:{_WHO}\s+(?:only\s+|all\s+day\s+)?{_CLOSURE}"
    r"|(?:is|will\s+be)\s+(?:a\s+holiday|a\s+day\s+off|our\s+day\s+off)"
    r"|(?:nobody|no\s+one|noone)(?:'s|\s+is|\s+will\s+be)?\s+(?:home|here|there|around|in))\b"
    r"(?:\s+(?:all\s+day|that\s+day|then|for(?:\s+\w+){1,3}))?"
    r"\s*(?:[,.;:!?-]|$|(?:so|but|can|could|would|pls|please|and|&)\b)"
)
_ASKED_AFTER = re.compile(
    r"^\s*(?:works|would\s+work|is\s+(?:fine|good|ok|okay|better|best)|ok|okay|instead)\b"
)


def _day_ruled_out(text: str, start: int, end: int) -> bool:
    """A day the customer says does not work: "not home today", "tmrw doesnt work"."""
    before = text[max(0, start - 40) : start]
    if _later_hours_ruled_out(text, start, end):
        return False
    return (
        _DAY_NEGATED.search(before) is not None
        or _NOT_THERE_BEFORE.search(before) is not None
        or _ruled_out_by_what_follows(text, end)
    )


_CLAUSE_BREAK = re.compile(r"[,.;!?]|\b(?:but|so|pero)\b")
_LATER = re.compile(r"\b(?:after|past|later\s+than)\s+(?:at\s+)?(?:\d|noon)")


def _later_hours_ruled_out(text: str, start: int, end: int) -> bool:
    """ "no one's here after 4 tomorrow", "we're closed friday after 3": what the customer can't
    take is that day's later hours (the window), not the day."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    after_day = _CLAUSE_BREAK.search(text, end)
    clause_end = after_day.start() if after_day else len(text)
    return any(
        _nobody_then(text, later.start())
        for later in _LATER.finditer(text, clause_start, clause_end)
    )


def _ruled_out_by_what_follows(text: str, end: int) -> bool:
    """ "tmrw doesnt work", "the 24th we're shut": ruled out by the words after the day."""
    return (
        _RULED_OUT_AFTER.match(text[end:]) is not None
        or _CLOSED_AFTER.match(text[end:]) is not None
    )
