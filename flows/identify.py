"""Which delivery is this about? Found by the sender's phone, or proven by ZIP or last name.

A tracking number that is not on this phone reveals nothing beyond "we found a package" until
the sender gives the delivery's ZIP code or the recipient's last name. Each failure is counted
(VerificationFailed); the webhook locks the phone out after a few, so numbers can't be guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.answers import new_request
from flows.choice import pick_index
from flows.described import described, is_reference, referred
from flows.model import ConversationState, Decision, DeliveryFacts, Facts, Reply, VerificationFailed
from nlu.understanding import Entities, Understanding

MAX_LISTED = 3
_WORDS = re.compile(r"[a-z0-9]+")
_LEADING_CLAUSE = re.compile(r"[,.;:!?]|\s(?:and|but|y|pero)\s", re.I)
# "the first one", "the 2nd package", "el segundo," inside a longer message ("the last 4
# digits" is not one).
_ORDINAL = re.compile(
    r"\b(?:the|el|la)\s+(first|second|third|last|1st|2nd|3rd|primer[oa]?|segund[oa]|"
    r"tercer[oa]?|ultim[oa])(?:\s+(?:one|package|box|parcel|order|delivery|paquete)\b|\s*(?:[,.;!?]|$))",
    re.I,
)


def resolve(
    state: ConversationState, u: Understanding, facts: Facts
) -> tuple[DeliveryFacts | None, ConversationState, Decision | None]:
    """The delivery this message is about, or the question that finds it out.

    The delivery talked about goes on being the one, unless the request cannot be about it and
    another can ("reschedule" after hearing one was delivered, "the box is crushed" while
    talking about one still coming), except a change to one the customer picked (`_kept`).
    """
    given = u.entities.tracking_number
    if given:
        found = next((d for d in facts.deliveries if d.tracking_number == given), None)
        if found:
            return found, state.about(found.id), None
        return None, state, _unknown_number(state, u, facts)
    current = facts.delivery(state.delivery_id)
    named = referred(u.text, facts.deliveries, state.delivery_id)
    if named is not None:  # "and the other one?", "the one that isn't here yet"
        return named, state.about(named.id), None
    fitting = tuple(d for d in facts.deliveries if _fits(u.intent, d))
    if current and (_fits(u.intent, current) or not fitting or _kept(state, u.intent)):
        return current, state, None
    if len(fitting) == 1 or len(facts.deliveries) == 1:
        only = fitting[0] if len(fitting) == 1 else facts.deliveries[0]
        return only, state.about(only.id), None
    if not facts.deliveries:
        asked = state.waiting_for("tracking", resume=resume_of(u))
        return None, asked, Decision(Reply("identify.ask_tracking"), asked)
    listed = _most_relevant(fitting or facts.deliveries)
    asked = state.waiting_for("pick_delivery", ids=[d.id for d in listed], resume=resume_of(u))
    return None, asked, Decision(_pick_reply(listed), asked)


def answer_pick(
    state: ConversationState, u: Understanding, facts: Facts
) -> tuple[DeliveryFacts | None, ConversationState]:
    """A number from the short list (alone, leading the message, or "the first one" in it), a
    tracking number or its last digits, or a description ("the one that's not delivered yet")
    picks the delivery."""
    ids = state.pending.get("ids", []) if state.pending else []
    listed = [d for d in (facts.delivery(i) for i in ids) if d is not None]
    picked = pick_index(u.text, len(ids))
    if picked is None:  # "2, send it back", "reschedule the first one": the pick and a request
        said = _ORDINAL.search(u.text)
        clause = said.group(1) if said else _LEADING_CLAUSE.split(u.text, maxsplit=1)[0]
        picked = pick_index(clause, len(ids))
    chosen = facts.delivery(ids[picked]) if picked is not None else None
    chosen = chosen or described(u.text, listed, state.delivery_id)
    if chosen:
        return chosen, state.about(chosen.id, chosen=True).waiting_for(None)
    if u.entities.tracking_number:
        chosen = next(
            (d for d in facts.deliveries if d.tracking_number == u.entities.tracking_number), None
        )
        if chosen:
            return chosen, state.about(chosen.id, chosen=True).waiting_for(None)
    return None, state


def ask_pick_again(state: ConversationState, u: Understanding, facts: Facts) -> Decision | None:
    """The list once more, when the reply picked nothing and is not a request of its own.

    After the packages were listed as an answer (flows/several.py) nothing was asked: only a
    reply that points at one of them and misses ("the other one", with none talked about yet)
    gets the question."""
    pending = state.pending or {}
    listed = [d for d in (facts.delivery(i) for i in pending.get("ids", [])) if d is not None]
    if new_request(u) or pending.get("tries", 0) >= 1 or len(listed) < 2:
        return None
    if pending.get("listed") and not is_reference(u.text):
        return None
    asked = state.waiting_for(
        "pick_delivery", ids=[d.id for d in listed], resume=pending.get("resume"), tries=1
    )
    return Decision(_pick_reply(listed), asked)


def _pick_reply(listed: list[DeliveryFacts]) -> Reply:
    return Reply("identify.pick", {"choices": [(d.tracking_number, d.status) for d in listed]})


def answer_tracking(state: ConversationState, u: Understanding, facts: Facts) -> Decision | None:
    """After "which tracking number?": a number not on this phone starts verification."""
    if not u.entities.tracking_number:
        return None
    return _unknown_number(state, u, facts, resume=state.pending.get("resume"))


def answer_verification(
    state: ConversationState, u: Understanding, facts: Facts
) -> tuple[DeliveryFacts | None, ConversationState, Decision | None]:
    """Any answer to "ZIP code or last name?" is an attempt; only a match reveals the delivery."""
    pending = state.pending or {}
    if facts.locked_out or facts.looked_up is None:
        cleared = state.waiting_for(None)
        return None, cleared, Decision(Reply("identify.locked"), cleared)
    if _proves(u.text, facts.looked_up):
        verified = replace(
            state,
            verified_ids=(*state.verified_ids, facts.looked_up.id),
            delivery_id=facts.looked_up.id,
            pending=None,
        )
        return replace(facts.looked_up, on_this_phone=False), verified, None
    tries = int(pending.get("tries", 0)) + 1
    asked = state.waiting_for(
        "verify", tracking=pending.get("tracking"), tries=tries, resume=pending.get("resume")
    )
    if tries >= 2:
        asked = state.waiting_for(None)
    decision = Decision(Reply("identify.verify_failed"), asked, (VerificationFailed(),))
    return None, asked, decision


def _unknown_number(
    state: ConversationState, u: Understanding, facts: Facts, *, resume: dict | None = None
) -> Decision:
    resume = resume or resume_of(u)
    if facts.locked_out:
        cleared = state.waiting_for(None)
        return Decision(Reply("identify.locked"), cleared)
    if facts.looked_up is None:
        # An unknown number counts as a failure too: existence is what enumeration probes.
        cleared = state.waiting_for(None)
        reply = Reply("identify.not_found", {"tracking": u.entities.tracking_number})
        return Decision(reply, cleared, (VerificationFailed(),))
    asked = state.waiting_for(
        "verify", tracking=facts.looked_up.tracking_number, tries=0, resume=resume
    )
    return Decision(Reply("identify.verify_ask"), asked)


def proves(answer: str, delivery: DeliveryFacts | None) -> bool:
    """Whether the answer holds the delivery's ZIP code or the recipient's last name."""
    return delivery is not None and _proves(answer, delivery)


def _proves(answer: str, delivery: DeliveryFacts) -> bool:
    words = _WORDS.findall(answer.lower())
    zip5 = (delivery.postal_code or "")[:5]
    if zip5 and zip5 in words:
        return True
    last = (delivery.recipient_last_name or "").lower()
    return bool(last) and last in words


# A damaged or missing package has been delivered; the changes are for one still coming.
AFTER_DELIVERY = frozenset({"report_missing_package", "report_damaged_package"})
BEFORE_DELIVERY = frozenset(
    {
        "reschedule_delivery",
        "change_address",
        "give_delivery_instructions",
        "refuse_delivery",
        "hold_for_pickup",
    }
)


def _fits(intent: str, d: DeliveryFacts) -> bool:
    """Whether this request can be about this delivery (picks it among a phone's several)."""
    if intent in AFTER_DELIVERY:
        return d.status == "delivered"
    if intent in BEFORE_DELIVERY:
        return d.status not in ("delivered", "return_to_sender", "returned", "cancelled")
    return True


# Changes that would return or move a package: asked of the one picked, they stay with it.
_KEPT_ON_THE_PICK = frozenset({"refuse_delivery", "change_address"})


def _kept(state: ConversationState, intent: str) -> bool:
    """A refusal or an address change asked of the package the customer picked out of a list
    is about that one, even when it can't be made ("send it back" for one delivered): made to
    another package instead, it would return or move one they did not mean. A rebook, a hold or
    instructions can't be about a package already delivered, and go to the one they can be
    about ("I want to rebook my delivery" after looking at the delivered one); a report of
    damage or loss can only be about one delivered."""
    return state.chosen and intent in _KEPT_ON_THE_PICK


def resume_of(u: Understanding) -> dict:
    """What the customer first asked, kept in a question's state to be replayed (`resumed`)."""
    return {"intent": u.intent, "entities": u.entities.as_json(), "text": u.text}


def resumed(resume: dict, language: str) -> Understanding:
    """What `resume_of` kept, as the message it came from (understood for sure)."""
    return Understanding(
        text=resume.get("text", ""),
        intent=resume["intent"],
        confidence=1.0,
        language=language,
        entities=Entities.from_json(resume.get("entities") or {}),
    )


# Which of several deliveries comes first: problems, then what is still coming, then the rest.
STATUS_ORDER = {
    "failed_attempt": 0,
    "arriving": 1,
    "out_for_delivery": 2,
    "scheduled": 3,
    "created": 4,
    "held_for_pickup": 5,
    "delivered": 6,
}


def _most_relevant(deliveries: tuple[DeliveryFacts, ...]) -> list[DeliveryFacts]:
    ranked = sorted(deliveries, key=lambda d: (STATUS_ORDER.get(d.status, 9), d.id))
    return ranked[:MAX_LISTED]
