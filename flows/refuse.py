"""Refuse a delivery: confirm, then mark it for return to sender."""

from __future__ import annotations

from flows.model import ConversationState, Decision, DeliveryFacts, Reply, ReturnToSender
from nlu.understanding import Understanding

REFUSABLE = frozenset(
    {"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving", "held_for_pickup"}
)


def start(state: ConversationState, d: DeliveryFacts) -> Decision:
    if d.status not in REFUSABLE:
        return Decision(Reply("refuse.not_possible", {"tracking": d.tracking_number}), state)
    asked = state.waiting_for("refuse_confirm")
    return Decision(Reply("refuse.confirm", {"tracking": d.tracking_number}), asked)


def answer(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    done = state.waiting_for(None)
    if u.intent == "affirm":
        action = ReturnToSender(d.id, customer_words=u.text)
        return Decision(Reply("refuse.done", {"tracking": d.tracking_number}), done, (action,))
    if u.intent == "deny":
        return Decision(Reply("refuse.kept", {"tracking": d.tracking_number}), done)
    return None
