"""One customer turn, decided: (state, understanding, facts, now, policy) -> Decision.

Pure and deterministic. The order: a question we asked gets its answer first; then low
confidence (twice in a row hands off to a person); then the intent, after the delivery it is
about is known (see identify.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flows import (
    address,
    claims,
    handoff,
    hold,
    identify,
    instructions,
    misdelivery,
    options,
    reading,
    rebook,
    refunds,
    refuse,
    several,
    smalltalk,
)
from flows.answers import SURE, new_request
from flows.business import narrowed
from flows.model import ConversationState, Decision, DeliveryFacts, Facts, Reply, SaveInstructions
from flows.policy import Policy
from flows.status import ASKS_WHERE_OR_WHEN, where_is
from nlu.language import language_shown
from nlu.understanding import DELIVERY_REQUESTS, Understanding

LANGUAGES = frozenset({"en", "es"})
# The one-word replies our own messages suggest ("Reply RESCHEDULE ..."): meant, not guessed.
COMMANDS = {
    "RESCHEDULE": ("reschedule_delivery", "en"),
    "REBOOK": ("reschedule_delivery", "en"),
    "HOLD": ("hold_for_pickup", "en"),
    "AGENT": ("request_human", "en"),
    "CAMBIAR": ("reschedule_delivery", "es"),
    "RECOGER": ("hold_for_pickup", "es"),
    "AGENTE": ("request_human", "es"),
}


def decide(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime, policy: Policy
) -> Decision:
    decision = _decide(state, u, facts, now, policy)
    told = claims.opened_in(decision.state, decision.actions, now).telling(decision.reply)
    return replace(decision, state=told)


def _decide(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime, policy: Policy
) -> Decision:
    command = COMMANDS.get(u.text.strip().strip(".!").upper())
    if command is not None:
        u = replace(u, intent=command[0], confidence=1.0, language=command[1])
    elif (read := reading.read_by_rule(state, u, facts, now)) is not None:
        u = replace(u, intent=read, confidence=max(u.confidence, SURE))
    # A reply with no words of either language ("2", "4B", "ok") keeps the conversation's: the
    # NLU calls such text English, and a Spanish customer picking a window would get English.
    shows_language = command is not None or language_shown(u.text) is not None
    if shows_language and u.language in LANGUAGES and u.confidence >= policy.confidence_threshold:
        state = replace(state, language=u.language)
    state = state.heard("customer", instructions.redact(u.text, u.entities.access_code))
    if state.pending:
        answered = _answer_pending(state, u, facts, now, policy)
        if answered is not None:
            return answered
    not_understood = u.confidence < policy.confidence_threshold or u.intent == "nlu_fallback"
    if not not_understood:
        # Another request leaves our question; a message not understood keeps it, so the next
        # one can still answer it ("sorry?" in the middle of a rebook, then "the morning one").
        state = state.waiting_for(None)
    if not_understood or u.intent == "out_of_scope":
        # "asdf", "blah blah": Rasa is sure they're out of scope; twice is still a stuck customer.
        state = replace(state, low_confidence=state.low_confidence + 1)
        if state.low_confidence >= policy.low_confidence_turns:
            return handoff.to_person(
                state,
                facts.delivery(state.delivery_id),
                policy,
                why="low_confidence",
                on_phone=facts.deliveries,
            )
        if not_understood:
            return smalltalk.not_understood(state)
        return smalltalk.answer(state, u.intent, policy)
    state = replace(state, low_confidence=0)
    return _route(state, u, facts, now, policy)


# Greetings and thanks that may carry the real question after them.
POLITE = frozenset({"greet", "thank_you", "goodbye", "affirm"})
# What the NLU may call a message that gives the address a failed delivery lacked.
AN_ADDRESS_MAY_ANSWER = frozenset({"complain", "inform", "where_is_my_package"})


def _days_or_hours_off(u: Understanding) -> bool:
    """Days or hours the customer can't take, said as information: about the delivery's window
    (noted when they leave the booking alone, a rebook around them otherwise)."""
    return bool(u.entities.ruled_out or u.entities.hours_ruled_out)


def _route(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime, policy: Policy
) -> Decision:
    intent = u.intent
    if intent == "inform" and u.entities.tracking_number:
        intent = "where_is_my_package"
    elif intent == "inform" and u.entities.access_code:
        intent = "give_delivery_instructions"  # "4512#" on its own is a gate code
    elif intent == "where_is_my_package" and instructions.also_instructs(u.text):
        intent = "give_delivery_instructions"  # "where is it? leave it at the back door"
    elif intent in POLITE | {"help"} and ASKS_WHERE_OR_WHEN.search(u.text):
        intent = "where_is_my_package"  # "thank you! when will you try again"
    elif intent == "inform" and reading.asks_for_a_day(state, u, facts, now):
        intent = "reschedule_delivery"  # "Fine. Just bring it monday between 9 and 12"
    elif intent == "inform" and _days_or_hours_off(u) and reading.the_delivery(state, facts):
        intent = "reschedule_delivery"  # "not between 11 and 2", "closed next week thursday"
    if intent in AN_ADDRESS_MAY_ANSWER and reading.gives_the_missing_address(state, u, facts):
        intent = "change_address"  # "I was told my delivery failed. I live in unit 12C"
    if intent == claims.FOLLOW_UP:
        return claims.follow_up(state, facts, policy, now)
    if intent == refunds.ASKS:
        return refunds.answer(state, reading.the_delivery(state, facts), policy)
    if intent in claims.NEWS:  # "found it", "do I need to send it back?" with a claim open
        return claims.answer_news(intent, state, u, facts, policy)
    if intent == misdelivery.WRONG_ITEM:  # "the package I got isn't mine"
        return misdelivery.wrong_item(state, facts, policy, now)
    if intent == options.ASKS_FOR_OPTIONS:  # "what are my options?" right after a setback
        d = options.setback_just_told(state, facts, now)
        assert d is not None
        return options.options(state, d, policy)
    if intent in ("request_human", "complain"):
        return handoff.to_person(
            state, facts.delivery(state.delivery_id), policy, why=intent, on_phone=facts.deliveries
        )
    if intent == smalltalk.ASKS_SERVICE:  # "do you deliver on weekends?": the policy says
        return smalltalk.service(state, reading.the_delivery(state, facts), policy)
    if intent not in DELIVERY_REQUESTS | {address.ASKS_ON_FILE, instructions.REACH_DRIVER}:
        return smalltalk.answer(state, intent, policy)
    if (listed := several.asked_for_all(state, replace(u, intent=intent), facts, now)) is not None:
        return listed  # "where are my packages?": each one, on a line
    delivery, state, question = identify.resolve(state, replace(u, intent=intent), facts)
    if question is not None:
        return question
    assert delivery is not None
    return _act(state, replace(u, intent=intent), delivery, facts, now, policy)


def _act(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision:
    """The intent's own flow, once the delivery is known."""
    match u.intent:
        case "reschedule_delivery" | "hold_for_pickup" if handoff.lost_or_damaged(d):
            # Nothing to deliver or hold: a person sorts out a replacement or a refund.
            return handoff.to_person(state, d, policy, why="lost_or_damaged")
        case "reschedule_delivery" if address.names_an_address(u):
            return _rebook_to_a_new_address(state, u, d, facts, now, policy)
        case "reschedule_delivery":
            return rebook.start(state, u, d, facts, now, narrowed(policy, d, state.transcript))
        case "change_address" if reading.names_a_new_day(u, d, now):
            # "send it to 30 Montgomery St on tuesday": the address, and the day asked for.
            rebook_too = replace(u, intent="reschedule_delivery")
            return _rebook_to_a_new_address(state, rebook_too, d, facts, now, policy)
        case "change_address":
            return address.change(state, u, d)
        case address.ASKS_ON_FILE:
            return address.on_file(state, d)
        case instructions.REACH_DRIVER:
            return instructions.reach_the_driver(state, d)
        case "give_delivery_instructions" if _comes_back_on(u, d, now):
            # "the gate code is 1234#, please come back monday": saved, and the rebook follows.
            told = instructions.give(state, u, d, asked=False, now=now)
            if not any(isinstance(action, SaveInstructions) for action in told.actions):
                return told
            later = replace(u, intent="reschedule_delivery")
            return _then_rebook(told, later, d, facts, now, policy)
        case "give_delivery_instructions":
            return instructions.give(state, u, d, asked=False, now=now)
        case "refuse_delivery":
            return refuse.start(state, d)
        case "report_missing_package":
            return claims.missing(state, u, d, facts, policy, now)
        case "report_damaged_package":
            return claims.damaged(state, d, facts, policy)
        case "hold_for_pickup" if hold.later_delivery(u):
            # "can you hold it till friday", "hold it a week": delivered then, not picked up.
            later = replace(u, intent="reschedule_delivery")
            return rebook.start(state, later, d, facts, now, narrowed(policy, d, state.transcript))
        case "hold_for_pickup":
            return hold.hold(state, d, policy)
        case _:
            return where_is(state, d, now, u)


def _rebook_to_a_new_address(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision:
    """ "Bring it tomorrow to 55 Water St apt 3 instead": the address goes through the address
    flow (checked as any change is), then the rebook. When the address needs a question first
    (its ZIP), the rebook waits in that question and follows its answer."""
    moved = address.change(state, replace(u, intent="change_address"), d)
    if moved.state.pending:
        resume = identify.resume_of(u)
        return replace(moved, state=moved.state.waiting_for(**moved.state.pending, resume=resume))
    return _then_rebook(moved, u, d, facts, now, policy)


def _comes_back_on(u: Understanding, d: DeliveryFacts, now: datetime) -> bool:
    """Instructions for a failed delivery that also name the day to come back."""
    return d.status == "failed_attempt" and reading.names_a_new_day(u, d, now)


def _then_rebook(
    moved: Decision,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision:
    """The address (or the instructions) decided, the rebook follows in the same reply: both
    said, both done."""
    narrow = narrowed(policy, d, moved.state.transcript)
    booked = rebook.start(moved.state, u, d, facts, now, narrow)
    assert moved.reply is not None and booked.reply is not None
    said = {**moved.reply.params, "rebook_next": False}  # the rebook is in this reply
    reply = replace(moved.reply, params=said, then=booked.reply)
    return Decision(reply, booked.state, (*moved.actions, *booked.actions))


def _answer_pending(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime, policy: Policy
) -> Decision | None:
    """The answer to the question we asked last, or None when this message is about else."""
    kind = (state.pending or {}).get("kind")
    resume = (state.pending or {}).get("resume")
    if reading.for_a_person(u) or u.intent in NOT_AN_ANSWER:
        # Asking for a person is never an answer to our question, nor is a claim, "what are
        # my options?" (asked after "reply with the full address", say) or a wrong package.
        return None
    if kind == "verify":
        if _not_an_attempt(u) and not identify.proves(u.text, facts.looked_up):
            # A request, not a ZIP or a name: asked again, not counted as a failed check.
            return Decision(Reply("identify.verify_ask"), state)
        delivery, state, decision = identify.answer_verification(state, u, facts)
        if decision is not None:
            return decision
        return _resume(state, resume, delivery, facts, now, policy)
    if kind == "tracking":
        return identify.answer_tracking(state, u, facts) or _picked_by_number(
            state, u, facts, now, policy, resume
        )
    if kind == "pick_delivery":
        if (listed := several.all_listed(state, u, facts, now)) is not None:
            return listed  # "both", "all of them"
        delivery, picked = identify.answer_pick(state, u, facts)
        if delivery is None:
            return identify.ask_pick_again(state, u, facts)
        if new_request(u) and u.intent != (resume or {}).get("intent"):
            # "the one that isn't here yet, send it to 30 Montgomery St": the pick, and a new
            # request for it, which is what they want now.
            return _act(picked, u, delivery, facts, now, policy)
        return _resume(picked, resume, delivery, facts, now, policy)
    d = facts.delivery(state.delivery_id)
    if d is None:
        return None
    if kind in ("rebook_pick", "rebook_confirm") and _moves_it(u):
        return None  # read as itself: the new address, then the day it names (or the offer)
    match kind:
        case "rebook_pick":
            return rebook.answer_pick(
                state, u, d, facts, now, narrowed(policy, d, state.transcript)
            )
        case "rebook_confirm":
            return rebook.answer_confirm(
                state, u, d, facts, now, narrowed(policy, d, state.transcript)
            )
        case "address":
            moved = address.answer(state, u, d)
            rebook_waits = (resume or {}).get("intent") == "reschedule_delivery"
            if moved is None or not rebook_waits:
                return moved
            if moved.state.pending:  # asked again (the ZIP): the rebook still waits
                waits = moved.state.waiting_for(**moved.state.pending, resume=resume)
                return replace(moved, state=waits)
            original = identify.resumed(resume, state.language)
            return _then_rebook(moved, original, d, facts, now, policy)
        case "instructions":
            return instructions.answer(state, u, d)
        case "refuse_confirm":
            return refuse.answer(state, u, d)
        case "missing_confirm":
            return claims.answer_missing(state, u, d, facts, policy)
        case "damage_photo":
            return claims.answer_damaged(state, u, d, facts, policy)
    return None


NOT_AN_ANSWER = frozenset(
    {
        claims.FOLLOW_UP,
        options.ASKS_FOR_OPTIONS,
        misdelivery.WRONG_ITEM,
        refunds.ASKS,
        address.ASKS_ON_FILE,
        instructions.REACH_DRIVER,
    }
)


def _moves_it(u: Understanding) -> bool:
    """ "New address is 12 Oak St apt 4, bring it friday" while picking a time: a change of
    address for sure, not a pick; the rebook would take its day and drop the address."""
    return new_request(u) and u.intent == "change_address" and address.names_an_address(u)


def _not_an_attempt(u: Understanding) -> bool:
    """ "Can you deliver it Monday?" after "ZIP or last name?": a request, with no digits."""
    return new_request(u) and len(u.text.split()) > 2 and not any(c.isdigit() for c in u.text)


def _picked_by_number(
    state: ConversationState,
    u: Understanding,
    facts: Facts,
    now: datetime,
    policy: Policy,
    resume: dict | None,
) -> Decision | None:
    """After "which tracking number?", one that is on this phone."""
    delivery, picked = identify.answer_pick(state, u, facts)
    if delivery is None:
        return None
    return _resume(picked, resume, delivery, facts, now, policy)


def _resume(
    state: ConversationState,
    resume: dict | None,
    d: DeliveryFacts | None,
    facts: Facts,
    now: datetime,
    policy: Policy,
) -> Decision:
    """Carry on with what the customer first asked, now that the delivery is known."""
    assert d is not None
    state = state.about(d.id).waiting_for(None)
    if not resume or resume.get("intent") not in DELIVERY_REQUESTS:
        return where_is(state, d, now)
    return _act(state, identify.resumed(resume, state.language), d, facts, now, policy)
