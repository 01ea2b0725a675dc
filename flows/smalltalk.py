"""Greetings, thanks, goodbyes, help and everything out of scope: short and useful. Also what
the words alone settle and the NLU has no intent for: "never mind", "who is this?", and
questions about the service itself ("do you deliver on weekends?"), answered from the policy."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows.answers import plain
from flows.business import clock_range
from flows.model import ON_THE_WAY, ConversationState, Decision, DeliveryFacts, Reply
from flows.policy import Policy

# Intents the words settle (flows/reading.py), beside the NLU's.
NEVER_MIND = "never_mind"
PRAISE = "praise"
WHO = "who_is_this"
ASKS_SERVICE = "asks_delivery_hours"

KEYS = {
    "greet": "smalltalk.greet",
    "thank_you": "smalltalk.thanks",
    "goodbye": "smalltalk.goodbye",
    "help": "smalltalk.help",
    "opt_out": "smalltalk.opt_out_hint",
    "out_of_scope": "smalltalk.out_of_scope",
    "affirm": "smalltalk.help",
    "deny": "smalltalk.help",
    "inform": "smalltalk.help",
    NEVER_MIND: "smalltalk.never_mind",
    WHO: "smalltalk.who",
    PRAISE: "smalltalk.praise",
}

# "ok then never mind", "nvm", "forget it", "olvídalo": nothing more wanted, said on its own.
_NEVER_MIND = re.compile(
    r"^\W*(?:(?:ok|okay|oh|ah|well|k|fine|bueno|vale)\W+)?(?:then\W+|entonces\W+)?"
    r"(?:never ?mind|nvm|nm|forget (?:about )?it|no worries|dont worry(?: about it)?|"
    r"olvidalo|olvidelo|no importa|dejalo|dejelo|no se preocupe)"
    r"(?:\W+(?:then|thanks|thank you|thx|gracias|entonces))?\W*$"
)
# "who is this?", "who's texting me", "¿quién es?", "¿con quién hablo?"
_WHO = re.compile(
    r"^\W*(?:(?:hi|hello|hey|sorry|um+|hola|perdon)\W+)?(?:who(?:s| is| are| r)? ?"
    r"(?:this|these|you|u|texting(?: me)?|messaging me)|quien (?:es|eres|son|habla|me escribe)|"
    r"con quien hablo)\b[\w\s]{0,12}\W*$"
)
_WHO_ASKS = r"(?:you|u|yall|you guys|your drivers?|the drivers?|drivers?|they)"
# Questions about when the service runs, not about one delivery: days, hours, first and last
# ("what's the earliest you can come?" asks for this delivery's soonest window: a rebook).
_SERVICE = re.compile(
    rf"\b(?:do|does) {_WHO_ASKS} (?:ever |even |usually )?(?:deliver|come|work|drive|run|operate|"
    r"make deliveries|do deliveries)\b.*\b(?:weekends?|saturdays?|sundays?|holidays?|weekdays?|"
    r"evenings?|nights?|mornings?)\b|"
    rf"\bare {_WHO_ASKS} (?:open|working|delivering|running|out)\b.*\b(?:weekends?|saturdays?|"
    r"sundays?|holidays?|evenings?|nights?)\b|"
    rf"\bwhat (?:days?|hours|times) (?:do|does|are|can) {_WHO_ASKS}\b|"
    r"\b(?:what are|whats|what is) (?:your (?:delivery |business |working |opening )?|the "
    r"delivery )hours\b|"
    rf"\bwhats? (?:is )?(?:the )?(?:latest|earliest)(?: (?:time|hour))? {_WHO_ASKS} (?:deliver|"
    r"come|start|work|run|go|drive)\b|\b(?:latest|earliest) (?:delivery|deliveries) (?:time|"
    r"hour)s?\b|"
    rf"\bhow (?:late|early) (?:do|does) {_WHO_ASKS}\b|"
    rf"\bwhat time do {_WHO_ASKS} (?:start|stop|finish|end|begin)\b|"
    r"\buntil what time\b|\bdelivery (?:hours|days|schedule)\b|"
    r"\b(?:entregan|reparten|trabajan|hacen entregas)\b.*\b(?:fines? de semana|sabados?|"
    r"domingos?|festivos?|feriados?)\b|\bque dias (?:entregan|reparten|trabajan|hacen)\b|"
    r"\b(?:a|hasta|desde) que hora (?:empiezan|terminan|entregan|reparten|trabajan|llegan)\b|"
    r"\bhorarios? de (?:entrega|reparto)s?\b"
)
_BOOKED = frozenset({"created", "scheduled"}) | ON_THE_WAY
_WEEK_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_A_MONDAY = date(2024, 1, 1)


# "The driver was great", "can I leave a review? he was awesome", "5 stars", "muy amable el
# repartidor": praise, which the NLU reads as a complaint (a person would be asked to answer
# it). Not when anything in it went wrong.
_PRAISE = re.compile(
    r"\b(?:was|is|were|did|been|so|very|really|super)\s+(?:(?:so|very|really|super)\s+)?(?:great|"
    r"awesome|amazing|excellent|fantastic|wonderful|nice|kind|helpful|professional|friendly|"
    r"polite|careful|quick|fast)\b|\b(?:leave|give|write)\s+(?:a\s+|him\s+a\s+|her\s+a\s+)?"
    r"(?:review|rating|compliment)\b|\b(?:5|five)\s*stars?\b|\bkudos\b|\bshout ?out\b|"
    r"\b(?:muy|super)\s+amable\b|\bexcelente\s+servicio\b",
    re.I,
)
_SOMETHING_WRONG = re.compile(
    r"\b(?:not|never|no|n't|rude|late|broke\w*|damag\w*|missing|stolen|wrong|but|however|"
    r"although|though|except|pero|nunca|tarde|roto|mal)\b|n't\b",
    re.I,
)


def praises(text: str) -> bool:
    """Praise for the driver or the service, with nothing gone wrong in the same message."""
    return bool(_PRAISE.search(text)) and not _SOMETHING_WRONG.search(text)


def said_by_words(state: ConversationState, text: str) -> str | None:
    """The intent the words settle that the NLU has none for: "never mind" (with no question
    of ours waiting: there it answers the question), "who is this?", or a question about the
    service's days and hours."""
    said = plain(text)
    if state.pending is None and _NEVER_MIND.match(said):
        return NEVER_MIND
    if _WHO.match(said):
        return WHO
    if _SERVICE.search(said):
        return ASKS_SERVICE
    return None


def answer(state: ConversationState, intent: str, policy: Policy) -> Decision:
    key = KEYS.get(intent, "smalltalk.out_of_scope")
    if intent == "affirm" and any(who == "assistant" for who, _ in state.transcript[:-1]):
        key = "smalltalk.ack"  # "ok", "👍" to what we just said: not a request for the menu
    return Decision(Reply(key, {"brand": policy.brand}), state)


def service(state: ConversationState, d: DeliveryFacts | None, policy: Policy) -> Decision:
    """The days and hours we deliver, from the operator's policy, and the customer's booking
    if they have one ("do you deliver on weekends?", "how early do drivers start")."""
    closed = [_A_MONDAY + timedelta(days=n) for n in range(7) if n not in policy.operating_days]
    params = {
        "service": f"{_days(policy.operating_days)} "
        f"{clock_range((policy.operating_start, policy.operating_end))}",
        "window_hours": policy.window_hours,
        "closed": closed,
        "window_start": None,
    }
    if d is not None and d.status in _BOOKED and d.window_start is not None:
        params.update(
            tracking=d.tracking_number,
            window_start=d.window_start,
            window_end=d.window_end,
            tz=d.timezone,
        )
    return Decision(Reply("smalltalk.service", params), state)


def _days(weekdays: tuple[int, ...]) -> str:
    """(0, 1, 2, 3, 4, 5) -> "Mon-Sat"; (0, 2, 4) -> "Mon, Wed, Fri"."""
    runs: list[list[int]] = []
    for day in sorted(weekdays):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        _WEEK_DAYS[run[0]] + (f"-{_WEEK_DAYS[run[-1]]}" if len(run) > 1 else "") for run in runs
    )


def not_understood(state: ConversationState) -> Decision:
    return Decision(Reply("smalltalk.not_understood"), state)
