"""Rebook: offer windows the operator can serve, understand a proposed time, confirm, apply."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.answers import COMMON, Question, asked_again, phrases, picks_a_number, yes_or_no
from flows.business import clock_range, hours_in_force
from flows.choice import pick_index
from flows.hold import HOLDABLE, hold
from flows.model import (
    ON_THE_WAY,
    ConversationState,
    Decision,
    DeliveryFacts,
    Facts,
    OpenException,
    Reply,
    Reschedule,
)
from flows.policy import Policy
from flows.rebook_days import (
    after_the_absence,
    days_off_noted,
    not_today,
    on_the_day_in_view,
    only_days_off,
    without_hours_ruled_out,
)
from flows.windows import (
    Window,
    beyond_horizon,
    matching,
    no_window_fits,
    offer,
    on_terms,
)
from nlu.understanding import Understanding

REBOOKABLE = frozenset({"created", "scheduled", "failed_attempt", "held_for_pickup"})
# "Deliver it Wed 12-2pm? Reply YES": "I won't be home then" is no, "works for me" is yes.
CONFIRM = Question(
    phrases=(
        *phrases(
            "no",
            r"(?:doesnt|does not|dont|do not|wont|will not|cant|cannot|not) (?:work|suit|do|"
            r"make it|be (?:home|there|in|around|available))",
            r"(?:im|i am|ill be|i will be|were|we are|well be) (?:not|out|away|busy|at work|"
            r"working|closed)",
            r"(?:other|another|different) (?:time|day|window|slot|option)s?",
        ),
        *phrases("yes", r"works|sounds good|book it|lock it in|see you then|fine by me"),
        *COMMON,
    ),
)
# "We can hold it at our depot: reply HOLD": "ok hold it then", "yes please", "i'll pick it up".
HOLD_INSTEAD = Question(
    phrases=(
        *phrases("no", r"(?:dont|do not|no) (?:hold|keep)", r"(?:cant|cannot|wont) (?:pick|get)"),
        *phrases(
            "yes",
            r"hold|keep|pick (?:it )?up|pickup|collect|come (?:get|grab)|recoger|recojo|guard\w*",
        ),
        *COMMON,
    ),
)


def start(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision:
    if only_days_off(u, d, now, policy):  # "we're closed next monday": noted, booking stands
        return days_off_noted(state, u, d)
    if d.status in ON_THE_WAY:
        case = OpenException(
            delivery_id=d.id,
            type="rebook_review",
            reason_code="on_the_way",
            summary=f"{d.tracking_number}: customer asks for another day while out for delivery",
            transcript=state.transcript,
        )
        params = {"tracking": d.tracking_number, "hours": policy.human_response_hours}
        return Decision(Reply("rebook.on_the_way", params), state.waiting_for(None), (case,))
    if d.status not in REBOOKABLE:
        return Decision(Reply("rebook.not_possible", {"tracking": d.tracking_number}), state)
    if d.status == "failed_attempt" and d.attempt_count >= policy.max_auto_rebooks:
        # After max_auto_rebooks failed attempts the next one is a person's call (state machine).
        done = state.waiting_for(None)
        case = OpenException(
            delivery_id=d.id,
            type="rebook_review",
            reason_code="max_attempts",
            summary=f"{d.tracking_number}: customer asks to rebook after "
            f"{d.attempt_count} failed attempts",
            transcript=state.transcript,
        )
        reply = Reply("rebook.person_decides", {"hours": policy.human_response_hours})
        return Decision(reply, done, (case,))
    u = not_today(u, d, now)
    policy = without_hours_ruled_out(state, u, d, _without_days_ruled_out(state, u, policy))
    terms = _terms(state, u)
    if _proposes_time(u):
        return _proposed(state, u, d, facts, now, policy, terms)
    return _offer(state, d, facts, now, policy, terms, key="rebook.offer")


def answer_pick(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision | None:
    """The customer picks 1-3 from the offer, or proposes a day or time of their own."""
    u = after_the_absence(state, not_today(u, d, now), d, now)
    u = on_the_day_in_view(state, u, d)
    policy = without_hours_ruled_out(state, u, d, _without_days_ruled_out(state, u, policy))
    terms = _terms(state, u)
    if (state.pending or {}).get("hold_offered") and not _proposes_time(u):
        if u.intent == "hold_for_pickup" or yes_or_no(u, HOLD_INSTEAD) == "yes":
            return hold(state.waiting_for(None), d, policy)
        return None  # not about the hold we offered: the message is read as itself
    options = [Window.from_json(w) for w in (state.pending or {}).get("options", [])]
    weekdays = [w.start.astimezone(ZoneInfo(d.timezone)).weekday() for w in options]
    picked = pick_index(u.text, len(options), weekdays)
    if picked is not None:
        return _confirm(state, d, options[picked], policy, terms)
    if _proposes_time(u):
        return _proposed(state, u, d, facts, now, policy, terms)
    if u.entities.ruled_out or u.entities.hours_ruled_out:  # "none of those, fridays are bad"
        turned_down = frozenset(options) if yes_or_no(u) == "no" else frozenset()
        return _offer(state, d, facts, now, policy, terms, key="rebook.offer", without=turned_down)
    if picks_a_number(u):  # "4" to a choice of 3, or a number to "what day and time?"
        return _ask_pick_again(state, options)
    answer = yes_or_no(u)
    if answer == "yes" and options:
        if len(options) == 1:
            return _confirm(state, d, options[0], policy, terms)
        return Decision(Reply("rebook.which", {"count": len(options)}), state)
    if answer == "no":
        done = state.waiting_for(None)
        asked = _waiting(done, "rebook_pick", policy, terms, options=[])
        return Decision(Reply("rebook.ask_time"), asked)
    return _asked_again(state, u, d, facts, now, policy)


def answer_confirm(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision | None:
    """The reply to "Deliver it <window>? Reply YES": a yes books it, a no offers others, and
    another day or time is proposed instead (a yes that names this window's day still books)."""
    u = after_the_absence(state, not_today(u, d, now), d, now)
    u = on_the_day_in_view(state, u, d)
    policy = without_hours_ruled_out(state, u, d, _without_days_ruled_out(state, u, policy))
    terms = _terms(state, u)
    window = Window.from_json(state.pending["window"]) if state.pending else None
    if window and picks_a_number(u):  # "2" to "Deliver it Wed 12-2pm? Reply YES"
        return asked_again(_confirm(state, d, window, policy, terms))
    answer = yes_or_no(u, CONFIRM)
    if window and answer == "yes" and (not _proposes_time(u) or _within(u, window, d)):
        done = state.waiting_for(None)
        action = Reschedule(d.id, window.start, window.end)
        reply = Reply(
            "rebook.done",
            {
                "tracking": d.tracking_number,
                "window_start": window.start,
                "window_end": window.end,
                "tz": d.timezone,
            },
        )
        return Decision(reply, done, (action,))
    if _proposes_time(u):
        return _proposed(state, u, d, facts, now, policy, terms)
    if answer == "no":  # other times, still on the terms they gave ("after 3pm only")
        turned_down = frozenset({window} if window else ())
        return _offer(state, d, facts, now, policy, terms, key="rebook.offer", without=turned_down)
    return _asked_again(state, u, d, facts, now, policy)


def _asked_again(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision | None:
    """ "Any time this week" or RESCHEDULE while rebooking: the same rebook, started over with
    the days already ruled out; anything else is not an answer (None)."""
    if u.intent != "reschedule_delivery":
        return None
    return start(state, u, d, facts, now, policy)


def _proposed(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
    said: dict[str, str | None],
) -> Decision:
    """A day or time the customer proposed, on the terms they said (in this message or earlier
    in this rebook): its window to confirm, or the nearest ones to pick from."""
    e = u.entities
    terms = {**said, "tz": d.timezone}
    today = now.astimezone(ZoneInfo(d.timezone)).date()
    if e.date is not None and e.date > today + timedelta(days=policy.rebook_horizon_days):
        return _beyond_horizon(state, d, policy, said)
    window = _on_a_day_named(now, facts, policy, terms, (e.date, *e.alternatives))
    if window is not None:
        return _confirm(state, d, window, policy, said)
    short = no_window_fits(e.date, policy) if e.date is not None else None
    if e.date is not None and e.date.weekday() not in policy.operating_days:
        key, params = "rebook.closed_day", {"day": e.date}
    elif e.date is not None and e.date <= today:
        key, params = "rebook.too_soon", {}
    elif e.date is not None and short is not None:  # "we're only open 9:30-10 on saturdays"
        key, params = "rebook.no_window_fits", {"day": e.date, "day_hours": clock_range(short)}
    elif hours_in_force(policy, d):
        key, params = "rebook.receiving", {}
    else:
        key, params = "rebook.unavailable", {}
    if e.date is not None and short is not None:
        options = _nearest(now, facts, policy, terms, e.date)
    else:
        options = _from_day_on(now, facts, policy, terms, max(e.date, today) if e.date else None)
    if not options and (said["after"] or said["before"]):
        options = on_terms(now, facts.load, policy, **terms, limit=policy.windows_offered)
    offered = _offer(
        state, d, facts, now, policy, said, key=key, options=options or None, extra=params
    )
    pending = offered.state.pending or {}
    if e.date is None or pending.get("kind") != "rebook_pick":
        return offered
    # The day asked for, kept: "the afternoon one" to this offer is that day's afternoon.
    kept = offered.state.waiting_for(**{**pending, "day": e.date.isoformat()})
    return replace(offered, state=kept)


def _on_a_day_named(
    now: datetime, facts: Facts, policy: Policy, terms: dict, days: tuple[date | None, ...]
) -> Window | None:
    """The earliest window on the first day named that has one ("thursday or friday")."""
    for day in days:
        if (window := matching(now, facts.load, policy, day=day, **terms)) is not None:
            return window
    return None


def _from_day_on(
    now: datetime,
    facts: Facts,
    policy: Policy,
    terms: dict,
    day: date | None,
    without: frozenset[Window] = frozenset(),
) -> list[Window]:
    """The nearest windows on the customer's own terms ("after 5"), one a day, from that day on."""
    return on_terms(
        now,
        facts.load,
        policy,
        **terms,
        from_day=day,
        limit=policy.windows_offered,
        one_per_day=True,
        without=without,
    )


def _nearest(now: datetime, facts: Facts, policy: Policy, terms: dict, day: date) -> list[Window]:
    """The windows on the customer's own terms on the days nearest to `day` (before it too),
    one a day, earliest first."""
    found = on_terms(now, facts.load, policy, **terms, limit=None, one_per_day=True)
    zone = ZoneInfo(terms["tz"])
    found.sort(key=lambda w: abs((w.start.astimezone(zone).date() - day).days))
    return sorted(found[: policy.windows_offered])


def _offer(
    state: ConversationState,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
    terms: dict[str, str | None],
    *,
    key: str,
    options: list[Window] | None = None,
    extra: dict | None = None,
    without: frozenset[Window] = frozenset(),
) -> Decision:
    """Windows to pick from: `options`, or the nearest on the customer's terms, or any."""
    if not options and (terms["after"] or terms["before"]):
        options = _from_day_on(now, facts, policy, {**terms, "tz": d.timezone}, None, without)
        if not options and key == "rebook.offer":  # none left on their hours: say so
            key = "rebook.unavailable"
    options = options or offer(now, facts.load, policy, without=without)
    if not options and beyond_horizon(now, policy):
        return _beyond_horizon(state, d, policy, terms)
    if not options:
        done = state.waiting_for(None)
        case = OpenException(
            delivery_id=d.id,
            type="rebook_review",
            reason_code="no_capacity",
            summary=f"{d.tracking_number}: no rebook window with capacity in the horizon",
            transcript=state.transcript,
        )
        reply = Reply("rebook.no_capacity", {"hours": policy.human_response_hours})
        return Decision(reply, done, (case,))
    asked = _waiting(state, "rebook_pick", policy, terms, options=[w.to_json() for w in options])
    windows = [(w.start, w.end) for w in options]
    params = {"windows": windows, "tz": d.timezone, "receiving": hours_in_force(policy, d)}
    params.update(extra or {})
    return Decision(Reply(key, params), asked)


def _confirm(
    state: ConversationState,
    d: DeliveryFacts,
    window: Window,
    policy: Policy,
    terms: dict[str, str | None],
) -> Decision:
    asked = _waiting(state, "rebook_confirm", policy, terms, window=window.to_json())
    reply = Reply(
        "rebook.confirm",
        {
            "tracking": d.tracking_number,
            "window_start": window.start,
            "window_end": window.end,
            "tz": d.timezone,
        },
    )
    return Decision(reply, asked)


def _ask_pick_again(state: ConversationState, options: list[Window]) -> Decision:
    if not options:
        return Decision(Reply("rebook.ask_time"), state)
    return Decision(Reply("rebook.which", {"count": len(options)}), state)


def _without_days_ruled_out(state: ConversationState, u: Understanding, policy: Policy) -> Policy:
    """The policy with the days the customer ruled out in this rebook, in this message or an
    earlier one, kept out of every offer; a day they ask for again is back in."""
    earlier = {date.fromisoformat(day) for day in (state.pending or {}).get("ruled_out", ())}
    days = (earlier | set(u.entities.ruled_out)) - {u.entities.date}
    return replace(policy, days_ruled_out=frozenset(days))


def _waiting(
    state: ConversationState,
    kind: str,
    policy: Policy,
    terms: dict[str, str | None],
    **details,
) -> ConversationState:
    """Waiting for the answer to a rebook question, the days ruled out and the hours the
    customer can take it kept for the next turn."""
    ruled_out = sorted(day.isoformat() for day in policy.days_ruled_out)
    hours = [[lo.strftime("%H:%M"), hi.strftime("%H:%M")] for lo, hi in policy.hours_ruled_out]
    return state.waiting_for(
        kind, ruled_out=ruled_out, hours_ruled_out=hours, terms=terms, **details
    )


def _terms(state: ConversationState, u: Understanding) -> dict[str, str | None]:
    """The hours the customer can take it: those in this message, or else those they gave
    earlier in this rebook ("after 3pm only", then "no" to the window offered)."""
    e = u.entities
    if e.after or e.before:
        return {"after": e.after, "before": e.before}
    earlier = (state.pending or {}).get("terms") or {}
    return {"after": earlier.get("after"), "before": earlier.get("before")}


def _beyond_horizon(
    state: ConversationState, d: DeliveryFacts, policy: Policy, terms: dict[str, str | None]
) -> Decision:
    """The customer can't take it on any day we can book yet: say how far ahead we book, and
    offer the depot or a person (not "no windows", which reads as if we were full). A yes holds
    it; another day is still a rebook."""
    depot = policy.depot_address if d.status in HOLDABLE else ""
    params = {"count": policy.rebook_horizon_days, "depot": depot}
    asked = _waiting(state, "rebook_pick", policy, terms, options=[], hold_offered=bool(depot))
    return Decision(Reply("rebook.beyond_horizon", params), asked)


def _within(u: Understanding, window: Window, d: DeliveryFacts) -> bool:
    """Whether the day and times the customer named all fit this window ("yes, Monday's fine")."""
    e, zone = u.entities, ZoneInfo(d.timezone)
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    if e.date is not None and e.date != start.date():
        return False
    if e.after is not None and e.after > start.strftime("%H:%M"):
        return False
    return e.before is None or e.before >= end.strftime("%H:%M")


def _proposes_time(u: Understanding) -> bool:
    e = u.entities
    return bool(e.date or e.after or e.before)
