"""Where is my package: the status in plain words and what happens next."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.model import ConversationState, Decision, DeliveryFacts, Reply
from nlu.timeparse import clock_time, stated_hours
from nlu.understanding import Understanding

# "35 stops away" helps nobody and contradicts a near ETA; a count is only said when short.
MAX_STOPS_SAID = 10
# An ETA this far in the past is stale (the route is running late): say the window instead.
STALE_ETA = timedelta(minutes=10)
# "where is it", "when will you try again": asks for the status (also inside other messages).
ASKS_WHERE_OR_WHEN = re.compile(
    r"\b(where('?s| is)|when (will|is|does|are)|what time|eta\b|what happened (to|with)|"
    r"d[oó]nde est|cu[aá]ndo lleg|qu[eé] pas[oó] con)",
    re.I,
)
# After a failed attempt, what the customer can do depends on why it failed: a code or a place
# to leave it, the full address, or a person when the package itself is lost or damaged. Any
# other reason: a new time, or a pickup.
NEXT_STEP_AFTER = {
    "no_access": "status.failed_access",
    "no_safe_location": "status.failed_access",
    "address_incorrect_or_incomplete": "status.failed_address",
    "refused": "status.failed_refused",
    "lost": "status.failed_lost",
    "damaged": "status.failed_damaged",
}


def where_is(
    state: ConversationState,
    delivery: DeliveryFacts,
    now: datetime | None = None,
    u: Understanding | None = None,
) -> Decision:
    deadline = deadline_said(u, delivery, now) if u is not None else None
    if deadline is not None:  # "we close at 2 today, will it make it?"
        return Decision(before_deadline(delivery, *deadline, now), state)
    reply = status_reply(delivery, now)
    if reply.key == "status.failed_address":  # the next message may be the address alone
        if state.has_told(reply.key, delivery.tracking_number):
            return _ask_for_the_missing_part(state, delivery)
        return Decision(reply, state.waiting_for("address"))
    return Decision(reply, state)


def _on_file(d: DeliveryFacts) -> str:
    return ", ".join(p for p in (d.address_line1, d.address_line2) if p)


def _ask_for_the_missing_part(state: ConversationState, d: DeliveryFacts) -> Decision:
    """Asked again after we said the address was incomplete: the package waits for it, so the
    question is put plainly: the unit, when the address on file has none; else the address."""
    unit_missing = bool(d.address_line1) and not d.address_line2
    reply = Reply(
        "status.failed_address_again",
        {"tracking": d.tracking_number, "address": d.address_line1 if unit_missing else None},
    )
    return Decision(reply, state.waiting_for("address", asked="unit" if unit_missing else None))


def status_reply(d: DeliveryFacts, now: datetime | None = None) -> Reply:
    """One template per status; the values it needs, nothing more."""
    base = {"tracking": d.tracking_number, "tz": d.timezone}
    coming = {"dock": d.dock}  # a business's drop-off point, said while it is still coming
    if d.status == "delivered":
        return Reply(
            "status.delivered", {**base, "delivered_at": d.delivered_at, "pod": d.pod_photo_url}
        )
    if d.status in ("out_for_delivery", "arriving"):
        return Reply(
            "status.out_for_delivery",
            {**base, **coming, "stops_away": _stops(d), "eta": _eta(d, now), **_window(d)},
        )
    if d.status == "failed_attempt":
        if d.failure_reason == "address_incorrect_or_incomplete" and d.address_corrected:
            # The customer gave the address since: what is left is a new time.
            return Reply("status.address_fixed", {**base, "address": _on_file(d)})
        return Reply(
            NEXT_STEP_AFTER.get(d.failure_reason or "", "status.failed_attempt"),
            {
                **base,
                "reason": d.failure_reason,
                "attempts": d.attempt_count,
                "has_code": d.has_access_code,
            },
        )
    if d.status in ("scheduled", "created"):
        return Reply("status.scheduled", {**base, **coming, **_window(d)})
    if d.status == "held_for_pickup":
        return Reply("status.held_for_pickup", base)
    if d.status in ("return_to_sender", "returned"):
        return Reply("status.returning", base)
    return Reply("status.cancelled", base)


def _window(d: DeliveryFacts) -> dict:
    return {"window_start": d.window_start, "window_end": d.window_end}


def _stops(d: DeliveryFacts) -> int | None:
    return d.stops_away if d.stops_away is not None and d.stops_away <= MAX_STOPS_SAID else None


def _eta(d: DeliveryFacts, now: datetime | None) -> datetime | None:
    if d.eta is None or (now is not None and d.eta < now - STALE_ETA):
        return None
    return d.eta


# --- "we close at 2 today, will it make it?", "I leave at 3, will it be here before?" --------

STILL_TO_COME_TODAY = frozenset({"created", "scheduled", "out_for_delivery", "arriving"})
# "I have to leave at 3", "salgo a las 3": the customer's own time, said without an hours
# statement. A bare hour is an afternoon one up to 7 ("at 3" while deliveries run 8am-8pm).
_LEAVES_AT = re.compile(
    r"\b(?:leave|leaving|head(?:ing)? out|go(?:ing)? out|gone|out of (?:the )?(?:house|office)|"
    r"salgo|me voy|me tengo que ir)\s+(?:at|by|around|a las|como a las)\s+"
    r"(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.I,
)
# "we close early today at 2", "closing early, at 2pm", "nobody's here after 2": a closing
# time the hours statements (nlu.timeparse.stated_hours) do not read, for today only.
_CLOSES_AT = re.compile(
    r"\b(?:clos(?:e|es|ing|ed)|shut(?:ting)?|cerramos|cierra|cierran|(?:nobody|no one|nadie)"
    r"(?:s| is| will be| esta)?(?: here| there| aqui)?)\b[^.?!\d]{0,24}?\b(?:at|by|after|from|"
    r"a las|despues de las)\s+(?P<h>\d{1,2})(?::(?P<m>\d\d))?"
    r"(?!\s*(?:[a-z]+\s+)?(?:st|street|ave|avenue|rd|road|blvd|dr|drive|ln|lane|way|ct|pl)\b)"
    r"\s*(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.I,
)
# "will it be here before 3?", "will it come before that": a question whether it arrives by then.
_ASKS_IF_BY = re.compile(
    r"\b(will|would|can|could|is|does|do you think)\b.*\b(here|come|arrive|get here|make it|"
    r"be delivered|in time|before)\b|\b(llega|llegara|llegue)\b",
    re.I,
)


def deadline_said(
    u: Understanding, d: DeliveryFacts, now: datetime | None
) -> tuple[datetime, bool] | None:
    """The time the customer needs the delivery by, when it is due today, and whether it is
    their closing time (a business's hours said) or a time of their own."""
    if now is None or not due_today(d, now):
        return None
    tz = ZoneInfo(d.timezone)
    today = now.astimezone(tz).date()
    if _names_another_day(u, today):
        return None
    for hours in stated_hours(u.text):
        if hours.closes and (hours.days is None or today.weekday() in hours.days):
            return _at(today, time.fromisoformat(hours.closes), tz), True
    for said, closing in ((_CLOSES_AT.search(u.text), True), (_LEAVES_AT.search(u.text), False)):
        by = clock_time(said["h"], said["m"], said["half"]) if said is not None else None
        if by is not None:
            return _at(today, by, tz), closing
    if u.entities.before and _ASKS_IF_BY.search(u.text):
        return _at(today, time.fromisoformat(u.entities.before), tz), False
    return None


def due_today(d: DeliveryFacts, now: datetime) -> bool:
    """Still to come, in a window that starts today (the delivery's own time zone)."""
    if d.status not in STILL_TO_COME_TODAY or d.window_start is None:
        return False
    tz = ZoneInfo(d.timezone)
    return d.window_start.astimezone(tz).date() == now.astimezone(tz).date()


def _names_another_day(u: Understanding, today: date) -> bool:
    said = u.entities.date
    return said is not None and str(said) != today.isoformat()


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


def before_deadline(d: DeliveryFacts, by: datetime, closing: bool, now: datetime | None) -> Reply:
    """Whether the delivery's window (or a fresher ETA) ends by the time said: yes, no, or it
    may not, with what they can do about it."""
    eta = _eta(d, now)  # fresher than the window, when there is one
    first, last = (eta, eta) if eta is not None else (d.window_start, d.window_end)
    if last is not None and last <= by:
        key = "status.before_closing"
    elif first is not None and first >= by:
        key = "status.after_closing"
    else:
        key = "status.may_miss_closing"
    params = {"tracking": d.tracking_number, "tz": d.timezone, "closes": by, "eta": eta}
    return Reply(key, {**params, "closing": closing, **_window(d)})
