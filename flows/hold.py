"""Hold for pickup at the depot."""

from __future__ import annotations

from flows.model import (
    ON_THE_WAY,
    ConversationState,
    Decision,
    DeliveryFacts,
    HoldForPickup,
    OpenException,
    Reply,
)
from flows.policy import Policy

HOLDABLE = frozenset({"created", "scheduled", "failed_attempt"})


def hold(state: ConversationState, d: DeliveryFacts, policy: Policy) -> Decision:
    depot = {"depot": policy.depot_address, "hours": policy.depot_hours}
    if d.status == "held_for_pickup":
        return Decision(Reply("hold.done", {"tracking": d.tracking_number, **depot}), state)
    if d.status in ON_THE_WAY:
        # The driver has it: a person turns the van around, not the bot.
        case = OpenException(
            delivery_id=d.id,
            type="hold_request",
            reason_code="on_the_way",
            summary=f"{d.tracking_number}: customer asks to hold for pickup while out for delivery",
            transcript=state.transcript,
        )
        reply = Reply("hold.on_the_way", {"hours": policy.human_response_hours})
        return Decision(reply, state, (case,))
    if d.status not in HOLDABLE:
        return Decision(Reply("hold.not_possible", {"tracking": d.tracking_number}), state)
    reply = Reply("hold.done", {"tracking": d.tracking_number, **depot})
    return Decision(reply, state, (HoldForPickup(d.id),))
