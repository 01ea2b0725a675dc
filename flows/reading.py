"""What the words of a message settle, beside the NLU: the intent a rule reads in them (a
question about a claim, a dispute of an attempt, how far the driver is, a day said as plain
information), and the facts about the message the routing asks (a new day named, the address a
failed delivery lacked, a person asked for)."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flows import (
    address,
    claims,
    hold,
    instructions,
    misdelivery,
    options,
    refunds,
    several,
    smalltalk,
)
from flows.answers import SURE, new_request
from flows.described import referred
from flows.model import ConversationState, DeliveryFacts, Facts
from nlu.understanding import Understanding

_PERSON = re.compile(
    r"\b(person|human|agent|someone|somebody|representative|rep|manager|supervisor|speak|talk|"
    r"persona|agente|hablar)\b",
    re.I,
)
# "Nobody came", "I have a doorbell camera", "I was home all day": the customer disputes a
# failed attempt. The NLU reads some of these as instructions (and the dispute would be saved
# as a note for the driver); it is a complaint, for a person to look into.
_DISPUTES_THE_ATTEMPT = re.compile(
    r"\b(?:no ?one|nobody|no body) (?:ever |even )?(?:came|showed|knocked|rang|tried|stopped|"
    r"was here|come)\b|\bnever (?:came|showed|knocked|rang|"
    r"tried|attempted)\b|\b(?:didn'?t|did not|never) (?:even )?(?:come|show|knock|ring|try|"
    r"attempt|stop)\b|\b(?:doorbell|ring|door|security|nest) (?:cam|camera|video)\b|"
    r"\b(?:i|we) (?:was|were|have been|'ve been|been) (?:home|here|at home)\b"
    r"(?: all (?:day|morning|afternoon))?|\bnadie (?:vino|toc[oó]|pas[oó]|lleg[oó])\b|"
    r"\b(?:estuve|estuvimos|estaba|estábamos|estabamos) en (?:casa|la casa)\b",
    re.I,
)

# "How many stops before me?": the NLU hears "stop" and reads an opt-out (only the STOP keyword
# opts out); how far the driver is, asked.
_HOW_FAR = re.compile(
    r"\bhow (?:many|much) (?:more )?(?:stops|deliveries|houses|homes)\b|\bstops? (?:away|left|"
    r"before|until|till|ahead)\b|\bhow far\b|\bcu[aá]ntas (?:paradas|entregas)\b",
    re.I,
)
# What the NLU calls these: a status question, and a dispute of an attempt.
_A_STATUS_MISREAD_AS = frozenset({"opt_out", "help", "out_of_scope", "nlu_fallback", "inform"})
_A_DISPUTE_MISREAD_AS = frozenset(
    {"give_delivery_instructions", "inform", "nlu_fallback", "out_of_scope"}
)
# "It's been 3 hours", "still waiting", "this is taking forever": impatience, read by the NLU
# as out of scope; the answer is where the package is now. ("Still nothing" answers "still
# missing?", and is left to that question.)
_STILL_WAITING = re.compile(
    r"\b(?:it'?s|its|it has)\s+(?:been\s+)?(?:\d+|a few|several|two|three)\s+(?:hours?|hrs?)\b|"
    r"\bstill\s+waiting\b|\b(?:taking|takes)\s+(?:forever|so long|too long)\b|"
    r"\bsigo esperando\b",
    re.I,
)


def asks_for_a_day(state: ConversationState, u: Understanding, facts: Facts, now: datetime) -> bool:
    """A message the NLU calls information that names a day after today (not the one booked)."""
    d = the_delivery(state, facts)
    return d is not None and names_a_new_day(u, d, now)


def the_delivery(state: ConversationState, facts: Facts) -> DeliveryFacts | None:
    """The delivery the conversation is about, or the phone's only one."""
    d = facts.delivery(state.delivery_id)
    if d is None and len(facts.deliveries) == 1:
        d = facts.deliveries[0]
    return d


def disputes_the_attempt(text: str, d: DeliveryFacts | None) -> bool:
    """ "I have a doorbell camera and nobody came", "I was home all day": said about a failed
    attempt, the customer says it did not happen as recorded."""
    if d is None or d.status != "failed_attempt":
        return False
    return _DISPUTES_THE_ATTEMPT.search(text) is not None


def gives_the_missing_address(state: ConversationState, u: Understanding, facts: Facts) -> bool:
    """An address (or a unit: "I live in 4B, it's on the label!!") in a message about a
    delivery that failed for want of one is that address, however the message reads (a
    complaint, a status question)."""
    d = the_delivery(state, facts)
    return (
        bool(u.entities.address or address.names_a_unit(u.text))
        and d is not None
        and d.status == "failed_attempt"
        and d.failure_reason == "address_incorrect_or_incomplete"
    )


def names_a_new_day(u: Understanding, d: DeliveryFacts, now: datetime) -> bool:
    """A day after today that is not the one the delivery is booked for."""
    if u.entities.date is None:
        return False
    said = date.fromisoformat(str(u.entities.date))
    today = now.astimezone(ZoneInfo(d.timezone)).date()
    booked = d.window_start.astimezone(ZoneInfo(d.timezone)).date() if d.window_start else None
    return said > today and said != booked


def for_a_person(u: Understanding) -> bool:
    """Asking for a person or complaining: sure, or unsure but naming a person."""
    if u.intent not in ("request_human", "complain"):
        return False
    return u.confidence >= SURE or _PERSON.search(u.text) is not None


def read_by_rule(
    state: ConversationState, u: Understanding, facts: Facts, now: datetime
) -> str | None:
    """The intent of a question the text itself settles, unless the NLU is sure of another.

    "does the driver have my gate code?" is about the code on file, "can I leave a note for the
    driver?" asks how to give instructions, "and the other one?" or "the one that isn't here
    yet" asks where that package is. The NLU reads these poorly (as help, even as complaints),
    so the words decide, unless the NLU is sure of a person or another request, or the text
    names a person. A question about a claim on record ("any update on my claim?") is that,
    whatever the NLU read in it (a status question, out of scope), and so is "what are my
    options?" right after a setback (a failed attempt, a closing time it may miss): the NLU
    calls it help, which would answer with the general menu.
    """
    if misdelivery.received_someone_elses(u.text):  # "the box I got isn't mine" (NLU: missing)
        return misdelivery.WRONG_ITEM
    if smalltalk.praises(u.text) and _PERSON.search(u.text) is None:
        return smalltalk.PRAISE  # "the driver was great": the NLU calls it a complaint
    if instructions.asks_to_reach_the_driver(u.text) and u.intent != "complain":
        return instructions.REACH_DRIVER  # "can I get the driver's number?" (NLU: a person)
    if (news := claims.news_of(u, state, facts)) is not None and not for_a_person(u):
        return news  # about an open claim, whatever the NLU read ("ok found it lol nevermind")
    # "when will someone get back to me?" names a person but asks when: the claim says.
    about_the_claim = claims.asks_about_claim(u.text, state, facts)
    if about_the_claim and (not for_a_person(u) or claims.asks_when_answered(u.text)):
        return claims.FOLLOW_UP
    asks_a_person = for_a_person(u) or _PERSON.search(u.text) is not None
    # "I won't be home then, what can I do?" (read as a rebook) asks for the choices; a message
    # that names one ("what can I do, bring it tomorrow?") is that request (options.py).
    setback = options.setback_just_told(state, facts, now)
    if setback is not None and not asks_a_person and options.asks_for_options(u.text):
        return options.ASKS_FOR_OPTIONS
    if u.intent in _A_STATUS_MISREAD_AS and (
        _HOW_FAR.search(u.text) or _STILL_WAITING.search(u.text)
    ):
        return "where_is_my_package"  # "how many stops before me?", "it's been 3 hours"
    # "never mind", "who is this?", "do you deliver on weekends?": no intent of the NLU's.
    if (said := smalltalk.said_by_words(state, u.text)) is not None and not for_a_person(u):
        return said
    if address.asks_what_is_on_file(u.text) and not for_a_person(u):
        return address.ASKS_ON_FILE  # "what address do you have for me?"
    if u.intent == "refuse_delivery" and refunds.asks_for_money_back(u.text):
        # "quiero que me devuelvan el dinero" reads as "send it back"; for a package lost or
        # damaged on the way, or with a claim open, it asks for the money, and a person decides.
        d = the_delivery(state, facts)
        if d is not None and refunds.for_a_person(d):
            return refunds.ASKS
    if new_request(u, own=frozenset({"give_delivery_instructions", "where_is_my_package"})):
        return None
    if refunds.asks_for_money_back(u.text) and not for_a_person(u):
        return refunds.ASKS  # out of scope to the NLU; the store refunds, or a person decides
    # A dispute saved as a note for the driver would go unanswered: a person looks into it.
    disputes = disputes_the_attempt(u.text, the_delivery(state, facts))
    if u.intent in _A_DISPUTE_MISREAD_AS and disputes and not u.entities.access_code:
        return "complain"
    if hold.asks_for_later(u) and u.intent != "request_human" and not _PERSON.search(u.text):
        # "I'm away for a week", "wait a couple of days", "not for 3 days": the NLU reads these
        # as anything (out of scope, a complaint); they ask for a delivery not before then.
        return "reschedule_delivery"
    if asks_a_person:
        return None
    if instructions.asks_what_is_held(u.text) or instructions.offers_instructions(u.text):
        return "give_delivery_instructions"
    if referred(u.text, facts.deliveries, state.delivery_id) is not None:
        return "where_is_my_package"
    if several.asks_about_them_all(u.text, state):  # "what about my packages?", "both"
        return "where_is_my_package"
    return None
