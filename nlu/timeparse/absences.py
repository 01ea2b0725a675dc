"""Absences: "i'm out till sunday", "hold it until monday", "we're closed through friday", "not
before friday", "after the weekend": the days from today until the customer is back (or the day
they asked us to wait for). A while away ("for a week") is read in `durations`."""

from __future__ import annotations

import re
from datetime import date, timedelta

# How far ahead an absence ("away until march 3") is kept out of offers: past any rebook horizon.
_AWAY_DAYS_KEPT = 56
_AWAY = (
    r"out|away|gone|travell?ing|closed|shut|fuera|cerrad[oa]s?|de\s+(?:viaje|vacaciones)"
    r"|on\s+(?:vacation|holiday|a\s+trip)|out\s+of\s+(?:town|the\s+country|state)"
    # "hold it until monday", "can it wait till friday", "guardenlo hasta el lunes": not before
    # that day (a pickup at the depot is the NLU's hold_for_pickup; its days don't matter there)
    r"|hold|keep|wait|hang\s+on\s+to|guard\w*|esper\w*|deten\w*|reten\w*"
)
# "i'm out till sunday", "not back until monday", "we're closed through friday", "hold it until
# monday": away up to that day, back on it ("until") or the day after it ("through").
_AWAY_UNTIL = re.compile(
    rf"(?:\b(?:{_AWAY})\b(?:\s+(?!from\b)[\w']+){{0,3}}?\s+(?:until|(?P<through>through|to))"
    r"|\b(?:not|no|nobody|no\s?one|noone|cant|can't|cannot|wont|won't|dont|don't|isnt|isn't"
    r"|aren't|nadie)\b(?:\s+[\w']+){0,4}?\s+until)"
    r"\s+(?:on\s+|el\s+)?$"
)


def _days_away(today: date, kind: str, back: date, *, through: bool) -> list[date]:
    """The days from today until the customer is back (today's weekday said on its own is next
    week's: "out until wednesday" on a Wednesday)."""
    if back == today and kind == "weekday" and not through:
        back += timedelta(weeks=1)
    last = min(back if through else back - timedelta(days=1), today + timedelta(_AWAY_DAYS_KEPT))
    return [today + timedelta(days=n) for n in range((last - today).days + 1)]


# "after friday", "sometime after the 25th", "not before monday", "no antes del viernes", "after
# the weekend", "despues del fin de semana": not before then ("after": from the day after it).
_AFTER_DAY = re.compile(
    r"\b(?:(?P<after>after)|not\s+before|no\s+(?:sooner|earlier)\s+than)\s+(?:the\s+|el\s+|on\s+)?$"
)
# "hold it over the weekend", "keep it for the weekend", "guárdenlo el fin de semana": until
# after it (not "hold it for friday", which asks for friday).
_HELD_OVER = re.compile(
    r"\b(?:hold|keep|wait|hang\s+on\s+to|guard\w*|esper\w*|deten\w*|reten\w*|manten\w*)\b"
    r"(?:\s+[\w']+){0,3}?\s+(?:for|over|through|during|durante|el|todo\s+el)\s+(?:the\s+)?$"
)


def _wait_bound(text: str, kind: str, match: re.Match[str]) -> str | None:
    """How a day said bounds a wait: "after" it ("after friday", "keep it over the weekend"),
    "on" it ("not before friday"), or None when it is no such bound."""
    before = text[max(0, match.start() - 60) : match.start()]
    if (said := _AFTER_DAY.search(before)) is not None:
        return "after" if said.group("after") else "on"
    over = kind == "weekend" or (kind == "week" and match.group("which") == "this")
    if over and _HELD_OVER.search(before):
        return "after"
    return None


def _first_day(kind: str, day: date, bound: str) -> date:
    """The first day the customer takes it: the day itself ("not before friday"), the day after
    it ("after friday"), or the Monday after a weekend or week ("after the weekend")."""
    if bound == "on":
        return day
    if kind in ("weekend", "week"):
        return day + timedelta(days=7 - day.weekday())
    return day + timedelta(days=1)
