"""A while the customer asks us to wait, or says they are away: "hold it for a week", "can you
keep it a few days", "I'm away for a week", "wait a couple of days", "not for 3 days",
"guárdenlo una semana", "en unos días". Like "hold it until monday" (`absences`), it means not
before then: the days from today (or from the day it starts: "away for a week from friday")
until the while is over are ruled out, and the first day after it is the earliest delivery.

How long a vague while is, read as the least it can mean: a couple is 2, a few 3, several 4;
"a day or two", "2-3 days" take the longer. A week is 7 days, a month 30, "the rest of the week"
runs to Sunday. A count of days said with "in" ("in 2 days", "in a couple of days") is a day
asked (`mentions`), not a while; "in a few days", "in a week" are a while.

A duration is a wait only when the words around it say so: a hold or an absence before it
("keep it", "we're closed", "estoy fuera"), a negated presence ("won't be home for", "not for",
"no estoy por"), or "in"/"give it" ("in a few days"). "It took 3-5 days last time", "I've been
waiting for a week", "out for delivery for 3 days" are no wait.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlu.timeparse.absences import _AWAY
from nlu.timeparse.mentions import _day_mentions, _resolve_day

# The least a vague count can mean; the operator may book later, never inside the absence.
_COUNTS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple": 2,
    "few": 3,
    "several": 4,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
_COUNT = (
    r"(?:\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several)"
)
_LONGEST = rf"(?:\s*(?:-|to|or)\s*(?P<upto>{_COUNT}))?"
_AMOUNT = (
    rf"(?:(?:the\s+)?(?:next|coming)\s+|another\s+|about\s+|like\s+)?(?P<count>{_COUNT})"
    rf"{_LONGEST}(?:\s+more)?\s+(?P<unit>day|week|month)s?(?:\s+or\s+(?P<more>two|so))?"
    r"(?:\s+(?:more|mas))?\b"
    # "another week": one more
    r"|another\s+(?P<another>day|week|month)\b"
    r"|(?:the\s+)?rest\s+of\s+(?:the|this)\s+(?P<rest>week)\b"
)
# "hold it for a week", "we're closed for 3 days", "estoy fuera una semana", "esperen unos días":
# the words of an absence until a day (`absences`), and a few that only go with a while.
_HELD = (
    rf"{_AWAY}|close|closing|cerramos|hold\s+on(?:to)?|manten\w*"
    r"|(?:me|nos)\s+(?:voy|vamos|ire|iremos)"
)
# Words that make the while a past or a delivery's ("been away for a week", "out for delivery
# for 3 days"), not one to wait.
_NOT_A_WAIT_BETWEEN = r"(?!(?:since|ago|already|delivery|deliveries|been|was|were|but|so)\b)"
# "I was away for a week", "I can't wait a week", "don't keep it for a week": no wait asked.
_BEFORE_HELD = re.compile(
    r"\b(?:been|was|were|had|not|can't|cant|cannot|won't|wont|don't|dont|didn't|didnt)"
    r"\s+(?:\w+\s+)?$"
)
# "won't be home for a week", "nobody will be here for 3 days", "don't bring it for a few days",
# "no estoy por una semana", "not for 3 days"
_PRESENT = (
    r"home|here|there|around|available|back|in\s+town|in(?=\s+for\b)|able|need|want|bring|send"
    r"|deliver(?:y|ies|ing)?"
    r"|come|drop|take|receive|accept|sign|estoy|estamos|estar\w*|casa|traig\w*|mand\w*|entreg\w*"
    r"|envi\w*|necesit\w*|veng\w*|recib\w*"
)
_NEGATION = (
    r"not|no|nobody|no\s?one|noone|nadie|won't|wont|can't|cant|cannot|don't|dont|isn't|isnt"
    r"|aren't|arent|never"
)
_WAIT = re.compile(
    rf"(?:\b(?P<held>{_HELD})\b(?:\s+{_NOT_A_WAIT_BETWEEN}[\w']+){{0,4}}?"
    r"\s+(?:for\s+|por\s+|durante\s+)?"
    # "not for 3 days"; "won't be home for a week", "no vamos a estar una semana"
    rf"|\b(?:{_NEGATION})\b(?:\s+(?:for|por|durante|in|en)"
    rf"|(?:\s+{_NOT_A_WAIT_BETWEEN}[\w']+){{0,3}}?\s+(?:{_PRESENT})"
    r"(?:\s+(?:it|them|this|that|the\s+package|anything|lo|la|los|las|nada|en\s+casa))?"
    r"(?:\s+(?:for|por|durante|in|en))?)\s+"
    r"|\b(?P<forward>in|en|dentro\s+de|give\s+it|give\s+us|dale|denle)\s+)"
    rf"(?P<amount>{_AMOUNT})"
    r"(?!\s+(?:ago|already|late|overdue|old|last|of)\b)"
)
# "still nothing in a week", "no package in 2 weeks", "todavia no llega en una semana": a
# complaint about a while past, not a wait asked.
_COMPLAINT_BEFORE = re.compile(
    r"\b(?:still|nothing|yet|never|not|no|hasn'?t|haven'?t|didn'?t|wasn'?t|isn'?t|been|todavia"
    r"|aun)\b[^,.;!?]*$"
)
# "a week from now", "unos días desde hoy"; "taking 3 days off", "quince días de vacaciones"
_FROM_NOW = re.compile(
    rf"\b(?P<amount>{_AMOUNT})\s+(?:from\s+(?:now|today)|(?P<away>off|out\s+of\s+town"
    r"|on\s+(?:vacation|holiday)|de\s+(?:vacaciones|viaje)|fuera))\b"
)
# "away for a week from friday", "closed for 3 days starting monday": the while starts that day.
_STARTS = re.compile(r"\s*,?\s*(?:starting|from|beginning|as\s+of|after)(?:\s+on)?\s*(?:the\s+)?")


@dataclass(frozen=True, slots=True)
class _Wait:
    """A while said as a wait: its span, how many days, and the day mention it starts on."""

    start: int
    end: int
    days: int
    # "in a week", "a week from friday": not before the while is over, counted from today or
    # from that day; "away for a week from friday" starts on that day.
    counted_from_today: bool
    starts_on: tuple[str, re.Match[str]] | None


def _waits(text: str) -> list[_Wait]:
    """The whiles said as a wait, in text order (none that is a day asked: "in 2 days")."""
    mentions = _day_mentions(text)
    days_asked = [m for kind, m in mentions if kind == "in_days"]
    found: list[_Wait] = []
    said = sorted([*_WAIT.finditer(text), *_FROM_NOW.finditer(text)], key=lambda m: m.start())
    for match in said:
        start, end = match.span("amount")
        if any(m.start() < end and start < m.end() for m in days_asked):
            continue
        if any(start < taken.end and taken.start < end for taken in found):
            continue
        held = "held" in match.re.groupindex and match.group("held")
        if held and _BEFORE_HELD.search(text, 0, match.start("held")):
            continue  # "I was away for a week"
        forward = "forward" in match.re.groupindex and match.group("forward")
        if forward and _COMPLAINT_BEFORE.search(text, 0, match.start()):
            continue
        starts_on = next(
            (
                (kind, m)
                for kind, m in mentions
                if m.start() >= match.end() and _STARTS.fullmatch(text, match.end(), m.start())
            ),
            None,
        )
        away = "away" in match.re.groupindex and match.group("away")
        counted = not held and not away and not _negated(match)
        found.append(_Wait(start, end, _days(match), counted, starts_on))
    return found


def _negated(match: re.Match[str]) -> bool:
    return re.match(rf"\b(?:{_NEGATION})\b", match.group(0)) is not None


def _days(match: re.Match[str]) -> int:
    """How many days the while lasts."""
    if match.group("rest"):
        return -1  # to Sunday: `_days_waited` counts it from the day it starts
    if match.group("another"):
        return _UNIT_DAYS[match.group("another")]
    count = _count(match.group("count"))
    if match.group("upto"):
        count = max(count, _count(match.group("upto")))
    if match.group("more") == "two":  # "a day or two", "a week or two"
        count = max(count, 2)
    return count * _UNIT_DAYS[match.group("unit")]


def _count(said: str) -> int:
    """ "3", "a couple of", "a few", "an": how many."""
    if said.isdigit():
        return int(said)
    words = [word for word in said.split() if word not in ("a", "of")] or ["a"]
    return _COUNTS[words[0]]


def _days_waited(wait: _Wait, today: date, kept: int) -> list[date]:
    """The days the customer can't take it: from today, or the day the while starts, until it
    is over (never more than `kept` days ahead)."""
    first = today
    if wait.starts_on is not None:
        first = _resolve_day(*wait.starts_on, today) or today
    days = wait.days if wait.days >= 0 else 7 - first.weekday()
    last = first + timedelta(days=days - 1)
    if wait.counted_from_today:  # "in a week from friday": not before then, today included
        first = today
    last = min(last, today + timedelta(days=kept))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
