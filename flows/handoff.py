"""Hand the conversation to a person, with the transcript, and say when they'll answer."""

from __future__ import annotations

from dataclasses import replace

from flows.model import ConversationState, Decision, DeliveryFacts, OpenException, Reply
from flows.policy import Policy

CASE_TYPE = "customer_message"  # the case that hands the conversation to a person
# Someone else's package delivered to the customer (flows/misdelivery.py): dispatch has a
# driver collect it, and a person texts the customer to arrange it.
WRONG_ITEM_CASE = "misdelivery"
# The cases after which a person, not the assistant, carries the conversation.
PERSON_TAKES_OVER = frozenset({CASE_TYPE, WRONG_ITEM_CASE})

REASONS = {
    "request_human": ("customer_request", "customer asked for a person"),
    "complain": ("complaint", "customer complaint"),
    "low_confidence": ("not_understood", "the assistant did not understand twice in a row"),
    "nlu_unavailable": ("nlu_unavailable", "the assistant could not read the message"),
    "change_refused": ("change_refused", "the change the customer asked for needs a person"),
    "lost_or_damaged": (
        "lost_or_damaged",
        "the carrier reported the package lost or damaged in transit; the customer asks for a "
        "new delivery or a pickup",
    ),
}
# What the customer is told, when it is more than "a person will text you back".
REPLIES = {"lost_or_damaged": "handoff.lost_or_damaged"}
# Failure reasons where the package itself is gone or broken: no new time or pickup can help.
PACKAGE_LOST_OR_DAMAGED = frozenset({"lost", "damaged"})


def lost_or_damaged(d: DeliveryFacts) -> bool:
    """A failed attempt because the carrier lost or damaged the package in transit."""
    return d.status == "failed_attempt" and d.failure_reason in PACKAGE_LOST_OR_DAMAGED


def to_person(
    state: ConversationState,
    d: DeliveryFacts | None,
    policy: Policy,
    *,
    why: str,
    on_phone: tuple[DeliveryFacts, ...] = (),
) -> Decision:
    """A case for dispatch about d, or else the phone's only delivery (or all of them, named)."""
    reason, summary = REASONS[why]
    if d is None and len(on_phone) == 1:
        d = on_phone[0]
    if d is not None:
        subject = d.tracking_number
    elif on_phone:
        subject = "one of " + ", ".join(o.tracking_number for o in on_phone[:5])
    else:
        subject = "no delivery identified"
    case = OpenException(
        delivery_id=d.id if d else None,
        type=CASE_TYPE,
        reason_code=reason,
        summary=f"{subject}: {summary}",
        transcript=state.transcript,
    )
    done = replace(state.waiting_for(None), low_confidence=0)
    params = {"hours": policy.human_response_hours}
    if d is not None:
        params |= {"tracking": d.tracking_number, "reason": d.failure_reason}
    reply = Reply(REPLIES.get(why, "handoff.person"), params)
    return Decision(reply, done, (case,))


def hands_off(decision: Decision) -> bool:
    """Whether the decision gives the conversation to a person."""
    return any(
        isinstance(a, OpenException) and a.type in PERSON_TAKES_OVER for a in decision.actions
    )
