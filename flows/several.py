"""Where are my packages: one short line for each of the phone's current deliveries.

A customer with several deliveries who asks about them together ("where are my packages",
"status of my orders", "¿dónde están mis paquetes?", "both" to "which package?") gets them all in
one SMS, numbered, so "the second one" or "the one that was refused" next picks one of them
(identify.answer_pick reads the same numbers). A question about one package keeps asking which.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flows.answers import plain
from flows.identify import STATUS_ORDER, resume_of
from flows.model import ConversationState, Decision, DeliveryFacts, Facts, Reply
from flows.status import STALE_ETA, where_is
from nlu.understanding import Understanding

# A package delivered longer ago than this is not what "where are my packages" asks about.
RECENTLY_DELIVERED = timedelta(days=3)
# Lines in one reply: three fit two SMS segments with the longest tracking numbers.
MAX_LINES = 3
# identify's order, and a package going back after the ones that arrived.
_ORDER = {**STATUS_ORDER, "return_to_sender": 7}

_PACKAGES = (
    r"(?:packages|parcels|pkgs|orders|deliveries|boxes|shipments|"
    r"paquetes|pedidos|envios|entregas|cajas|ordenes)"
)
# "my packages", "both packages", "all my orders", "mis paquetes", "los 2 pedidos".
_PLURAL = re.compile(
    rf"\b(?:my|our|the|both|all|these|those|two|three|\d|any|other|more|mis|nuestros|los|las|"
    rf"ambos|ambas|otros|otras|"
    rf"dos|tres|todos|todas)\s+(?:(?:of\s+)?(?:my|our|the|mis|los)\s+)?(?:\w+\s+)?{_PACKAGES}\b"
)
# "both", "all of them", "where are they both", "los dos", "todos".
_ALL = re.compile(
    r"\b(?:both|all of (?:them|those)|all (?:\d|two|three|four)|each of them|ambos|ambas|"
    r"los dos|las dos|todos|todas|cada uno)\b"
)
# "one of my packages", "uno de mis paquetes": one of them, not all.
_ONE_OF = re.compile(r"\b(?:one|which|any|uno|una|cual|alguno)\s+(?:of|de)\b")
_WORDS = re.compile(r"[a-z]+")
_FILLER = frozenset({"and", "what", "about", "how", "ok", "okay", "please", "pls", "then", "y"})
# A question about where they are or how they are doing, the NLU's reading aside.
_ASKS = re.compile(
    r"\b(?:where|when|status|update|updates|track|tracking|check|news|what about|how about|"
    r"hows|how are|donde|cuando|estado|como van|que paso|noticias|y mis|revis\w+)\b|"
    # "did both of my packages arrive?", "have my orders shipped?", "llegaron mis paquetes?"
    r"\b(?:did|have|has|will|are|were|is)\b.{0,30}\b(?:arrive\w*|come|coming|delivered|"
    r"ship\w*|get here)\b|\bllega\w*"
)


def asks_about_all(text: str) -> bool:
    """Whether the message asks about the packages together (not one of them)."""
    words = plain(text)
    if _ONE_OF.search(words):
        return False
    return bool(_PLURAL.search(words) or _ALL.search(words))


def asks_where_all_are(text: str) -> bool:
    """ "Where are my packages?", "any update on both?": a status question about them all,
    read from the words (the NLU calls some of them help or nothing)."""
    return asks_about_all(text) and bool(_ASKS.search(plain(text)))


def asks_about_them_all(text: str, state: ConversationState) -> bool:
    """A status question about them all, or a bare "both", "all of them", "los dos" while no
    question of ours is open (the NLU reads nothing in it)."""
    if asks_where_all_are(text):
        return True
    rest = _ALL.sub(" ", plain(text))
    said_all = rest != plain(text)
    return state.pending is None and said_all and set(_WORDS.findall(rest)) <= _FILLER


def current(facts: Facts, now: datetime) -> list[DeliveryFacts]:
    """The phone's deliveries a customer means by "my packages", most pressing first: all
    but those delivered days ago."""
    fresh = [d for d in facts.deliveries if not _long_delivered(d, now)]
    return sorted(fresh, key=lambda d: (_ORDER.get(d.status, 9), d.id))


def recently_delivered(facts: Facts, now: datetime) -> list[DeliveryFacts]:
    """The phone's packages delivered in the last few days, latest first."""
    done = [d for d in current(facts, now) if d.status == "delivered"]
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    return sorted(done, key=lambda d: d.delivered_at or epoch, reverse=True)


def _long_delivered(d: DeliveryFacts, now: datetime) -> bool:
    return (
        d.status == "delivered"
        and d.delivered_at is not None
        and d.delivered_at < now - RECENTLY_DELIVERED
    )


def asked_for_all(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime
) -> Decision | None:
    """ "Where are my packages?": each current one's status, or the only current one's; None
    when it asks about one, or the phone has none current (identify asks which)."""
    if u.intent != "where_is_my_package" or u.entities.tracking_number:
        return None
    shown = current(facts, now)
    if not shown or not asks_about_all(u.text):
        return None
    if len(shown) == 1:  # the others came long ago: "my packages" is this one
        return where_is(state.about(shown[0].id), shown[0], now, u)
    return where_all(state, shown, now, resume_of(u))


def all_listed(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime
) -> Decision | None:
    """ "Both", "all of them" to "which package?" after a status question: each one's status,
    in the order the question listed them; else None (the reply picks one, or asks else)."""
    pending = state.pending or {}
    resume = pending.get("resume") or {}
    if resume.get("intent") != "where_is_my_package" or not asks_about_all(u.text):
        return None
    listed = [d for d in map(facts.delivery, pending.get("ids", [])) if d is not None]
    return where_all(state, listed, now, resume) if len(listed) > 1 else None


def where_all(
    state: ConversationState, deliveries: list[DeliveryFacts], now: datetime, resume: dict
) -> Decision:
    """Each package on a line, numbered; the next message may pick one by its number or by
    what the line said ("the one that was refused"), in the order shown."""
    shown = deliveries[:MAX_LINES]
    lines = [_line(d, now) for d in shown]
    reply = Reply("status.several", {"packages": lines, "more": len(deliveries) - len(shown)})
    ids = [d.id for d in shown]
    # Not a question: a reply that picks none of them is read as itself (listed=True).
    listed = state.waiting_for("pick_delivery", ids=ids, resume=resume, listed=True)
    return Decision(reply, listed)


def _line(d: DeliveryFacts, now: datetime) -> dict:
    """What one line says: the status and the one detail that matters for it."""
    reason = d.failure_reason if d.failure_reason != "returning_to_sender" else None
    stale = d.eta is not None and d.eta < now - STALE_ETA  # the route runs late: the window
    return {
        "tracking": d.tracking_number,
        "status": d.status,
        "reason": reason,
        "delivered_at": d.delivered_at,
        "eta": None if stale else d.eta,
        "window_start": d.window_start,
        "window_end": d.window_end,
        "tz": d.timezone,
    }
