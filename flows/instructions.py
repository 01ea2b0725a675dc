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


def give(state: ConversationState, u: Understanding, d: DeliveryFacts, *, asked: bool) -> Decision:
    """Save what the customer said; a bare "can I leave instructions?" gets a question back."""
    if d.status not in SAVABLE:
        return Decision(Reply("instructions.not_possible", {"tracking": d.tracking_number}), state)
    code = u.entities.access_code
    words = redact(u.text, code).strip()
    if not code and not asked and len(words.split()) <= 6 and _ASKING.search(words):
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
