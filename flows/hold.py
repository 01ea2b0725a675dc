"""Hold for pickup at the depot, told apart from a hold that asks for a later delivery."""

from __future__ import annotations

import re

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
from nlu.timeparse import asks_to_wait
from nlu.understanding import Understanding

HOLDABLE = frozenset({"created", "scheduled", "failed_attempt"})
# "hold it at the depot", "I'll pick it up friday", "lo recojo el lunes": the customer comes for
# it, so it is a hold for pickup whatever day it names.
_PICKUP = re.compile(
    r"\b(?:pick(?:ing)?\s*(?:it|them|the\s+\w+)?\s*up|pick-?up|collect\w*|depot|warehouse"
    r"|facility|branch|post\s+office|come\s+(?:and\s+|by\s+(?:and\s+)?)?(?:get|grab)"
    r"|(?:i'?ll|i\s+will|we'?ll|we\s+will|i\s+can|we\s+can)\s+(?:swing\s+by"
    r"|(?:get|grab|come\s+for)\s+(?:it|them|the\s+\w+|my\s+\w+))"
    r"|recog\w*|recoj\w*|pas(?:o|amos)\s+(?:a|por)|buscarl\w+|almac[eé]n|dep[oó]sito|bodega"
    r"|sucursal)",
    re.I,
)


def asks_for_later(u: Understanding) -> bool:
    """A message that asks us to wait ("hold it for a week", "I'm away a few days", "can you
    hold it till friday"), not to keep it for a pickup: a rebook, not before then."""
    return asks_to_wait(u.text) and _PICKUP.search(u.text) is None


def later_delivery(u: Understanding) -> bool:
    """A hold that names a day or a wait and no pickup ("can you hold it till friday", "hold it
    a week", "hold it, bring it monday"): the customer wants it delivered then, not held at
    the depot ("hold it at the depot, I'll pick it up" is a pickup)."""
    said = u.entities.date is not None or asks_to_wait(u.text)
    return said and _PICKUP.search(u.text) is None


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
