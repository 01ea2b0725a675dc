"""Delivery instructions and access codes: saved on the delivery, relayed to today's driver."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from flows.model import ConversationState, Decision, DeliveryFacts, Reply, SaveInstructions
from flows.status import status_reply
from nlu.understanding import Understanding

SAVABLE = frozenset(
    {"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving", "held_for_pickup"}
)
# A stop a driver still has ahead of them today (a failed attempt is done for today).
ON_THE_ROAD = frozenset({"created", "scheduled", "out_for_delivery", "arriving"})
_ASKING = re.compile(r"\b(instruction|instrucci|note|nota|code|c[oó]digo)", re.I)
_QUESTION = re.compile(
    r"^\s*(can|could|may|how|do|is there|where|puedo|puede|se puede|c[oó]mo|d[oó]nde)\b|\?\s*$",
    re.I,
)
# "where is my package and can you leave it at the back door": two asks, both answered.
_WHERE = re.compile(
    r"\b(where('?s| is)|when (will|is|does)|what time|eta\b|d[oó]nde est|cu[aá]ndo lleg)", re.I
)
_CLAUSES = re.compile(r"[?.!;]+|,\s*|\s+(?:and|also|plus|y|tambi[eé]n)\s+", re.I)
# Instructions inside a "where is it" message.
INSTRUCTING = re.compile(
    r"\b(leave (it|the)|put it|drop it|call me when|text me when|knock|ring the|back door|"
    r"porch|neighbou?r|d[eé]j[ea]lo|vecin)",
    re.I,
)
# After "reply with your instructions": a clear other request is not the instructions.
NOT_INSTRUCTIONS = frozenset(
    {
        "where_is_my_package",
        "reschedule_delivery",
        "change_address",
        "refuse_delivery",
        "report_missing_package",
        "report_damaged_package",
        "hold_for_pickup",
        "greet",
        "thank_you",
        "goodbye",
        "opt_out",
    }
)
SURE = 0.6


def give(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    *,
    asked: bool,
    now: datetime | None = None,
) -> Decision:
    """Save what the customer said; a bare "can I leave instructions?" gets a question back.

    A "where is it?" in the same message is answered first, and left out of the instructions.
    """
    code = u.entities.access_code
    words = redact(u.text, code).strip()
    where, rest = _split_where(words)
    if where and rest:
        told = give(state, replace(u, text=rest), d, asked=asked)
        status = status_reply(d, now)
        return replace(told, reply=replace(status, then=told.reply))
    if d.status not in SAVABLE:
        return Decision(Reply("instructions.not_possible", {"tracking": d.tracking_number}), state)
    length = len(words.split())
    short_or_question = length <= 6 or (length <= 10 and _QUESTION.search(words))
    if not code and not asked and short_or_question and _ASKING.search(words):
        return Decision(Reply("instructions.ask"), state.waiting_for("instructions"))
    instructions = None if code and _only_code(words) else words
    done = state.waiting_for(None)
    if d.on_todays_route and d.status in ON_THE_ROAD:
        key = "instructions.relayed"
    elif d.status == "failed_attempt":
        key = "instructions.next_attempt"
    else:
        key = "instructions.saved"
    action = SaveInstructions(d.id, instructions=instructions, access_code=code)
    return Decision(Reply(key, {"has_code": bool(code)}), done, (action,))


def answer(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    """The reply to "reply with your instructions"; None when it is another request."""
    if not u.entities.access_code and u.intent in NOT_INSTRUCTIONS and u.confidence >= SURE:
        return None
    return give(state, u, d, asked=True)


def also_instructs(text: str) -> bool:
    """A "where is it?" message that also gives instructions (not "is it at the neighbor's?")."""
    where, rest = _split_where(text)
    return bool(where and rest and INSTRUCTING.search(rest))


def _split_where(words: str) -> tuple[str, str]:
    """The "where/when is it" clauses and the rest, when a message has both."""
    clauses = [c.strip() for c in _CLAUSES.split(words) if c and c.strip()]
    where = [c for c in clauses if _WHERE.search(c)]
    if len(clauses) < 2 or not where:
        return "", ""
    return ", ".join(where), ", ".join(c for c in clauses if c not in where)


def redact(text: str, code: str | None) -> str:
    """The customer's words with the access code replaced: safe for transcripts and dispatch."""
    if not code:
        return text
    return re.sub(re.escape(code), "[code]", text, flags=re.I)


def _only_code(words: str) -> bool:
    leftover = re.sub(
        r"(?i)\b(gate|door|front|main|access|building|entry|lockbox|code|pin|c[oó]digo|is|es|"
        r"the|for|el|la|de|del|my|mi|our|nuestro|puerta|port[oó]n|entrada|edificio)\b",
        "",
        words.replace("[code]", ""),
    )
    return not re.sub(r"[\W_]+", "", leftover)
