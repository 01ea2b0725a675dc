"""Refuse a delivery: confirm, then mark it for return to sender."""

from __future__ import annotations

from flows.answers import (
    COMMON,
    Question,
    asked_again,
    new_request,
    phrases,
    picks_a_number,
    says_both,
    yes_or_no,
)
from flows.model import ConversationState, Decision, DeliveryFacts, Reply, ReturnToSender
from nlu.understanding import Understanding

REFUSABLE = frozenset(
    {"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving", "held_for_pickup"}
)

# "Refuse it and send it back? Reply YES": words that take the refusal back or insist on it,
# whatever the NLU made of them ("actually keep it" reads as affirm; "no, I don't want it" as
# deny). Negated forms come first: "don't send it back" keeps it, "don't want it" sends it back.
SEND_BACK = Question(
    phrases=(
        *phrases(
            "yes", r"(?:dont|do not|no longer|not|never) (?:(?:want|wanna|need) (?:to )?)?keep"
        ),
        *phrases(
            "no",
            r"(?:dont|do not|not|never) (?:want to |wanna |need to )?"
            r"(?:send|return|refuse|reject|cancel)",
            r"no (?:lo |la )?(?:devuelv|rechac)\w*|si lo quiero|mejor no",
        ),
        *phrases(
            "yes",
            r"(?:dont|do not|didnt|did not|no longer|not|never) (?:want|wanted|need|needed|order|"
            r"ordered|buy|bought)",
            r"no lo (?:quiero|necesito|pedi)",
        ),
        *phrases(
            "no",
            r"keep|keeping|changed my mind|no wait|ill take it|(?:i )?(?:still )?(?:want|need) "
            r"(?:it|them|this|the package)|(?:deliver|bring) it|qued\w*|guard\w*",
        ),
        *phrases(
            "yes",
            r"send (?:it|them|this)? ?back|return (?:it|them|this)|refuse|reject|cancel|devuelv\w*|"
            r"rechaz\w*",
        ),
        *COMMON,
    ),
)


def start(state: ConversationState, d: DeliveryFacts) -> Decision:
    if d.status not in REFUSABLE:
        return Decision(Reply("refuse.not_possible", {"tracking": d.tracking_number}), state)
    asked = state.waiting_for("refuse_confirm")
    return Decision(Reply("refuse.confirm", {"tracking": d.tracking_number}), asked)


def answer(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    """The reply to "send it back?"; None when it is another request or says nothing to it."""
    if picks_a_number(u):
        return asked_again(start(state, d))  # "2" to "send it back? Reply YES"
    done = state.waiting_for(None)
    answer = yes_or_no(u, SEND_BACK)
    if answer == "yes":
        action = ReturnToSender(d.id, customer_words=u.text)
        return Decision(Reply("refuse.done", {"tracking": d.tracking_number}), done, (action,))
    if answer == "no":
        return Decision(Reply("refuse.kept", {"tracking": d.tracking_number}), done)
    if new_request(u, own=frozenset({"refuse_delivery"})):
        return None
    if says_both(u, SEND_BACK):
        return asked_again(start(state, d))  # "keep it or send it back, idk"
    return None
