"""The day a rebook is about, read from what the customer said beside the NLU's date: today's
weekday said on its own, a weekday inside an absence they told us of, hours said in answer to
a window we proposed ("the afternoon one", "later that day"), and days off that leave the
booked day alone ("we're closed next monday")."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.answers import plain
from flows.model import ON_THE_WAY, ConversationState, DeliveryFacts
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


def only_days_off(u: Understanding, d: DeliveryFacts, now: datetime) -> bool:
    """ "Also we're closed next monday for the holiday" from a customer whose delivery is booked
    for another day: information, not a request to move it. Nothing else is asked (no day, no
    hours, no "can you move it"), and no day ruled out is the booked one."""
    e = u.entities
    if not e.ruled_out or e.date or e.after or e.before or d.window_start is None:
        return False
    if d.status not in _BOOKED:
        return False
    zone = ZoneInfo(d.timezone)
    today = now.astimezone(zone).date()
    booked = d.window_start.astimezone(zone).date()
    if booked < today or booked in e.ruled_out:
        return False
    return _ASKS_TO_MOVE.search(plain(u.text)) is None
