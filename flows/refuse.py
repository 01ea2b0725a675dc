"""Refuse a delivery: confirm, then mark it for return to sender."""

from __future__ import annotations

import re

from flows.model import ConversationState, Decision, DeliveryFacts, Reply, ReturnToSender
from nlu.understanding import Understanding

REFUSABLE = frozenset(
    {"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving", "held_for_pickup"}
)

# Words that take the refusal back, whatever the NLU made of them ("actually keep it" reads as
# affirm), and words that insist on it. Both at once: ask again rather than guess.
_KEEP = re.compile(
    r"\b(keep|don'?t (send|return)|do not (send|return)|never ?mind|nvm|changed my mind|"
    r"no wait|qu[eé]d[ae]|gu[aá]rd|no lo devuelv|s[ií] lo quiero|mejor no)",
    re.I,
)
_SEND_BACK = re.compile(r"\b(send it back|return it|refuse|devu[eé]lv|rechaz)", re.I)


def start(state: ConversationState, d: DeliveryFacts) -> Decision:
    if d.status not in REFUSABLE:
        return Decision(Reply("refuse.not_possible", {"tracking": d.tracking_number}), state)
    asked = state.waiting_for("refuse_confirm")
    return Decision(Reply("refuse.confirm", {"tracking": d.tracking_number}), asked)


def answer(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    done = state.waiting_for(None)
    keep, send_back = _KEEP.search(u.text), _SEND_BACK.search(u.text)
    if keep and send_back:
        return start(state, d)
    if keep:
        return Decision(Reply("refuse.kept", {"tracking": d.tracking_number}), done)
    if u.intent == "affirm" or (send_back and u.intent == "refuse_delivery"):
        action = ReturnToSender(d.id, customer_words=u.text)
        return Decision(Reply("refuse.done", {"tracking": d.tracking_number}), done, (action,))
    if u.intent == "deny":
        return Decision(Reply("refuse.kept", {"tracking": d.tracking_number}), done)
    return None
