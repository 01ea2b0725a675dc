"""Delivery instructions and access codes: saved on the delivery, relayed to today's driver."""

from __future__ import annotations

import re

from flows.model import ConversationState, Decision, DeliveryFacts, Reply, SaveInstructions
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


def give(state: ConversationState, u: Understanding, d: DeliveryFacts, *, asked: bool) -> Decision:
    """Save what the customer said; a bare "can I leave instructions?" gets a question back."""
    if d.status not in SAVABLE:
        return Decision(Reply("instructions.not_possible", {"tracking": d.tracking_number}), state)
    code = u.entities.access_code
    words = redact(u.text, code).strip()
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


def redact(text: str, code: str | None) -> str:
    """The customer's words with the access code replaced: safe for transcripts and dispatch."""
    if not code:
        return text
    return re.sub(re.escape(code), "[code]", text, flags=re.I)


def _only_code(words: str) -> bool:
    leftover = re.sub(
        r"(?i)\b(gate|door|access|building|code|c[oó]digo|is|es|the|el|my|mi)\b",
        "",
        words.replace("[code]", ""),
    )
    return not re.sub(r"[\W_]+", "", leftover)
