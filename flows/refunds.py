"""Asking for money back: who refunds, and when a person should take it.

Doorstep does not hold the customer's money: the store they ordered from refunds. A customer
whose package the carrier lost or damaged, or who has a claim open, is owed an answer from a
person (a replacement or a refund is the claims team's call); anyone else is told plainly where
a refund comes from instead of "I can only help with your delivery".
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows import handoff
from flows.model import ConversationState, Decision, DeliveryFacts, Reply
from flows.policy import Policy

_MONEY_BACK = re.compile(
    r"\b(?:refund\w*|money back|reimburs\w*|charge ?back|credit (?:me|my card)|"
    r"reembols\w*|(?:devuelv\w+|regres\w+) (?:el|mi) dinero|devoluci[oó]n de(?:l| mi) dinero)\b",
    re.I,
)
ASKS = "ask_money_back"  # the intent the words settle (flows/conversation.py)
# On its way back to the store, or back already: the store refunds once it has it.
GOING_BACK = frozenset({"return_to_sender", "returned", "cancelled"})


def asks_for_money_back(text: str) -> bool:
    """ "I want a refund", "will I get my money back?", "quiero un reembolso"."""
    return _MONEY_BACK.search(text) is not None


def for_a_person(d: DeliveryFacts) -> bool:
    """A package the carrier lost or damaged, or one with a claim open: a person decides."""
    return handoff.lost_or_damaged(d) or d.open_claim is not None


def answer(state: ConversationState, d: DeliveryFacts | None, policy: Policy) -> Decision:
    """A person for a lost or damaged package or an open claim; else who refunds. `d`: the
    delivery the conversation is about, or the phone's only one (None: neither)."""
    if d is not None and for_a_person(d):
        person = handoff.to_person(state, d, policy, why="request_human")
        params = {"tracking": d.tracking_number, "hours": policy.human_response_hours}
        return replace(person, reply=Reply("refunds.person", params))
    params = {"tracking": d.tracking_number if d else None}
    key = "refunds.going_back" if d is not None and d.status in GOING_BACK else "refunds.store"
    return Decision(Reply(key, params), state.waiting_for(None))
