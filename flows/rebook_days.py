"""The day a rebook is about, read from what the customer said beside the NLU's date: today's
weekday said on its own, a weekday inside an absence they told us of, hours said in answer to
a window we proposed ("the afternoon one", "later that day"), days and hours off that leave the
booking alone ("we're closed next monday", "not between 11 and 2"), and the hours ruled out
kept for the rest of the rebook."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flows.answers import plain
from flows.business import clock_range
from flows.model import ON_THE_WAY, ConversationState, Decision, DeliveryFacts, Reply
from flows.policy import Policy
from flows.windows import overlaps_hours_ruled_out
from nlu.timeparse import todays_weekday_named
from nlu.understanding import Understanding

# Days away from tomorrow on that make an absence ("until next week"), not a day or two said
# and taken back ("not wednesday", then "ok wednesday then").
_AWAY_FOR_DAYS = 3
# A delivery with a day booked that a day off elsewhere leaves alone.
_BOOKED = frozenset({"created", "scheduled"}) | ON_THE_WAY
# "Later that day", "could it be later in the day?", "something later?", "más tarde ese día":
# hours relative to the window we proposed (the NLU reads no time in them, often a goodbye).
# "Talk to you later", "I'll check later" are not.
_LATER = re.compile(
    r"\b(?:later|mas tarde)\b(?: \w+){0,3} (?:day|dia)\b|\b(?:later|mas tarde)(?: on| please| pls|"
    r" por favor)?\W*$"
)
_EARLIER = re.compile(
    r"\b(?:earlier|mas temprano)\b(?: \w+){0,3} (?:day|dia)\b|\b(?:earlier|mas temprano)(?: on|"
    r" please| pls| por favor)?\W*$"
)
_SIGNS_OFF = re.compile(
    r"\b(?:talk|speak|see|text|call|chat|catch|check|get back|ttyl|bye|hablamos|nos vemos)\b"
)
# "Can you move it", "another day", "reprogramar": a day off said together with a request to
# change the booking, which the rebook answers.
_ASKS_TO_MOVE = re.compile(
    r"\b(?:move|moved|reschedule|rebook|change|switch|push|postpone|another|other|different|"
    r"instead|deliver|bring|come|send|cambiar|mover|reprogramar|otro|otra|traer|entregar|"
    r"pasar|vengan|venir)\b"
)
# "Please don't deliver between 11 and 2", "no entreguen entre las 11 y las 2": a verb said not
# to be done asks for no move.
_NEGATED_VERB = re.compile(r"\b(?:dont|do not|not|no|never|nunca)\s+\w+")


def not_today(u: Understanding, d: DeliveryFacts, now: datetime) -> Understanding:
    """Today's weekday said on its own ("bring it wednesday" on a Wednesday) is the next day
    named with it ("wednesday or thursday"), or next week's: today's routes are already planned,
    and a customer who means today says "today"."""
    today = now.astimezone(ZoneInfo(d.timezone)).date()
    if u.entities.date != today or not todays_weekday_named(u.text, today):
        return u
    later = [day for day in u.entities.alternatives if day > today]
    later.append(today + timedelta(days=7))
    return replace(u, entities=replace(u.entities, date=later[0], alternatives=tuple(later[1:])))


def after_the_absence(
    state: ConversationState, u: Understanding, d: DeliveryFacts, now: datetime
) -> Understanding:
    """A weekday said on its own that falls in an absence the customer told us of earlier in
    this rebook ("hold it until next week", then "thursday") is the first one after it."""
    earlier = {date.fromisoformat(day) for day in (state.pending or {}).get("ruled_out", ())}
    day = u.entities.date
    today = now.astimezone(ZoneInfo(d.timezone)).date()
    if day is None or day not in earlier or not todays_weekday_named(u.text, day):
        return u
    away = 0
    while today + timedelta(days=away + 1) in earlier:
        away += 1
    if away < _AWAY_FOR_DAYS or (day - today).days > away:
        return u
    while day in earlier:
        day += timedelta(days=7)
    return replace(u, entities=replace(u.entities, date=day))


def on_the_day_in_view(
    state: ConversationState, u: Understanding, d: DeliveryFacts
) -> Understanding:
    """Hours said with no day, in answer to a window we proposed or to an offer for a day the
    customer asked for, are on that day: "the afternoon one" to "Tue 8-10am?" is Tuesday
    afternoon, not the first afternoon we have. "Later that day" is after the window proposed,
    "earlier" before it. A message that names a day is left as it is."""
    e, pending = u.entities, state.pending or {}
    if e.date is not None:
        return u
    zone = ZoneInfo(d.timezone)
    after, before = e.after, e.before
    if pending.get("kind") == "rebook_confirm" and pending.get("window"):
        start, end = (datetime.fromisoformat(t).astimezone(zone) for t in pending["window"])
        day: date | None = start.date()
        text = plain(u.text)
        relative = not (after or before) and not _SIGNS_OFF.search(text)
        if relative and _LATER.search(text):
            after = end.strftime("%H:%M")
        elif relative and _EARLIER.search(text):
            before = start.strftime("%H:%M")
    else:
        day = date.fromisoformat(pending["day"]) if pending.get("day") else None
    if day is None or not (after or before):
        return u
    return replace(u, entities=replace(e, date=day, after=after, before=before))


def only_days_off(u: Understanding, d: DeliveryFacts, now: datetime, policy: Policy) -> bool:
    """ "Also we're closed next monday for the holiday", "please don't deliver between 11 and 2"
    from a customer whose delivery is booked for another day or hours: information, not a
    request to move it. Nothing else is asked (no day, no window, no "can you move it"), and
    the booked window is on no day and in no hours ruled out."""
    e = u.entities
    if not (e.ruled_out or e.hours_ruled_out) or e.date or e.after or e.before:
        return False
    if d.window_start is None or d.window_end is None or d.status not in _BOOKED:
        return False
    zone = ZoneInfo(d.timezone)
    today = now.astimezone(zone).date()
    booked = d.window_start.astimezone(zone).date()
    if booked < today or booked in e.ruled_out:
        return False
    hours = replace(policy, **_hours_ruled_out(e.hours_ruled_out, d))
    if overlaps_hours_ruled_out(d.window_start, d.window_end, hours):
        return False
    return _ASKS_TO_MOVE.search(_NEGATED_VERB.sub(" ", plain(u.text))) is None


def without_hours_ruled_out(
    state: ConversationState, u: Understanding, d: DeliveryFacts, policy: Policy
) -> Policy:
    """The policy with the hours the customer said not to come in, in this message or earlier in
    this rebook, kept out of every offer. Hours they now ask for inside them ("thursday 12-2
    is fine after all" to "not 11-2") are back in; a wider ask ("thursday afternoon") is read
    around them."""
    e = u.entities
    said = [tuple(hours) for hours in (state.pending or {}).get("hours_ruled_out", ())]
    said += [hours for hours in e.hours_ruled_out if hours not in said]
    kept = [
        (lo, hi) for lo, hi in said if not (e.after and e.before and lo <= e.after < e.before <= hi)
    ]
    return replace(policy, **_hours_ruled_out(kept, d))


def _hours_ruled_out(said: Iterable[tuple[str, str]], d: DeliveryFacts) -> dict[str, Any]:
    """Hours ruled out ("HH:MM", "HH:MM") as the policy keeps them: times in the customer's zone."""
    hours = tuple((time.fromisoformat(lo), time.fromisoformat(hi)) for lo, hi in said)
    return {"hours_ruled_out": hours, "hours_ruled_out_tz": d.timezone}


def days_off_noted(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision:
    """Days or hours the customer can't take that leave the booking alone: heard, and the
    booking kept (a rebook would offer to move a delivery nobody asked to move)."""
    zone = ZoneInfo(d.timezone)
    runs: list[list[date]] = []  # days in a row said as one span: "Mon Nov 23-Fri Nov 27"
    for day in sorted(u.entities.ruled_out):
        if runs and runs[-1][-1] == day - timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    days = [
        (datetime.combine(run[0], time(0), zone), datetime.combine(run[-1], time(23, 59), zone))
        for run in runs
    ]
    hours = [
        clock_range((time.fromisoformat(lo), time.fromisoformat(hi)))
        for lo, hi in u.entities.hours_ruled_out
    ]
    params = {
        "days_off": days,
        "hours_off": hours,
        "tracking": d.tracking_number,
        "window_start": d.window_start,
        "window_end": d.window_end,
        "tz": d.timezone,
    }
    return Decision(Reply("rebook.days_off_noted", params), state.waiting_for(None))
