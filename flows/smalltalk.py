"""Greetings, thanks, goodbyes, help and everything out of scope: short and useful."""

from __future__ import annotations

from flows.model import ConversationState, Decision, Reply
from flows.policy import Policy

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
}


def answer(state: ConversationState, intent: str, policy: Policy) -> Decision:
    key = KEYS.get(intent, "smalltalk.out_of_scope")
    if intent == "affirm" and any(who == "assistant" for who, _ in state.transcript[:-1]):
        key = "smalltalk.ack"  # "ok", "👍" to what we just said: not a request for the menu
    return Decision(Reply(key, {"brand": policy.brand}), state)


def not_understood(state: ConversationState) -> Decision:
    return Decision(Reply("smalltalk.not_understood"), state)
