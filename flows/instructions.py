"""Delivery instructions and access codes: saved on the delivery, relayed to today's driver."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from flows.answers import DECLINED, SURE, yes_or_no
from flows.handoff import lost_or_damaged
from flows.model import ConversationState, Decision, DeliveryFacts, Reply, SaveInstructions
from flows.smalltalk import not_understood
from flows.status import ASKS_WHERE_OR_WHEN, status_reply
from nlu.understanding import Understanding

SAVABLE = frozenset(
    {"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving", "held_for_pickup"}
)
# A stop a driver still has ahead of them today (a failed attempt is done for today).
ON_THE_ROAD = frozenset({"created", "scheduled", "out_for_delivery", "arriving"})
_ASKING = re.compile(r"\b(instruction|instrucci|note|nota|code|c[oó]digo)", re.I)
_QUESTION = re.compile(
    r"^\s*(can|could|may|how|do|is there|where|puedo|puede|se puede|c[oó]mo|d[oó]nde)\b|\?\s*$",
    re.I,
)
_CLAUSES = re.compile(r"[?.!;]+|,\s*|\s+(?:and|also|plus|y|tambi[eé]n)\s+", re.I)
# Instructions inside a "where is it" message.
INSTRUCTING = re.compile(
    r"\b(leave (it|the)|put it|drop it|call me when|text me when|knock|ring the|back door|"
    r"porch|neighbou?r|d[eé]j[ea]lo|vecin)",
    re.I,
)
# After "reply with your instructions": a clear other request is not the instructions.
NOT_INSTRUCTIONS = frozenset(
    {
        "where_is_my_package",
        "reschedule_delivery",
        "change_address",
        "refuse_delivery",
        "report_missing_package",
        "report_damaged_package",
        "hold_for_pickup",
        "greet",
        "thank_you",
        "goodbye",
        "opt_out",
    }
)
# A question about what we hold ("does the driver have my gate code?", "what code do you have
# on file") is answered, never saved as instructions; the code itself is never texted back.
# ("Why didn't the driver use my code?" is a complaint, not a question about the record.)
_INTERROGATIVE = re.compile(
    r"\?|^\W*(?:ok\w*|so|and|but|also|hey|hi|um+|just)?\W*(?:do|does|did|is|are|was|were|will|"
    r"would|have|has|had|can|could|what|whats|what's|which|who|how|when|where|tienen|tiene|"
    r"cual|que|sabe)\b|\bright\W*$|\bon file\b",
    re.I,
)
_WHY = re.compile(r"\b(why|por ?qu[eé])\b", re.I)
_ABOUT_CODE = re.compile(
    r"\b(codes?|pin|passcode|buzzer|keypad|lockbox|key ?code|c[oó]digo|clave)\b", re.I
)
_ABOUT_NOTES = re.compile(r"\b(instructions?|notes?|instrucciones|notas?)\b", re.I)
# "read back what you have saved", "what do you have down for my building": asks for the record.
_THE_RECORD = re.compile(
    r"\b(read (it |that |them )?back|what (do )?(you|u) (have|got) (saved|down|on file|on record|"
    r"for (getting|access|my|our|the))|(have|got) (saved|on file|on record))\b",
    re.I,
)
# "does the driver know to buzz 2?", "did you tell the driver about the dog?": what they were told.
_DRIVER_TOLD = re.compile(
    r"\b(driver|courier|delivery (guy|person|man)|repartidor)\b.{0,20}\b(know|knows|aware|told|"
    r"informed|sabe|saben)\b|\b(did|have|has) (you|u|someone|anyone) (tell|told|let|inform\w*) "
    r"(the |my )?(driver|courier)\b",
    re.I,
)
# Asking how to give us something ("can I leave a note for the driver?").
_OFFER = re.compile(
    r"\b(can|could|may|how|where)( do)? (i|we) (give|leave|add|send|update|change|set|put|"
    r"provide|tell|text)\b|\b(want|need|like) to (give|leave|add|send|update|change|set)\b|"
    r"\bpuedo (dar|dejar|agregar|enviar|cambiar)\b",
    re.I,
)
# Asking us or the driver to do something: a request, not a question.
_REQUEST = re.compile(
    r"\b(tell|ask|have|let) (the |your |my )?(driver|courier|him|her|them)\b|\bplease\b|\bpls\b|"
    r"\b(can|could|would|will) (you|u|the driver|he|she|they) (leave|put|drop|call|text|knock|"
    r"ring|use|go|come|bring|hand|wait)\b",
    re.I,
)


def give(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    *,
    asked: bool,
    now: datetime | None = None,
) -> Decision:
    """Save what the customer said; a bare "can I leave instructions?" gets a question back.

    A "where is it?" in the same message is answered first, and left out of the instructions.
    """
    code = u.entities.access_code
    words = redact(u.text, code).strip()
    where, rest = _split_where(words)
    if where and rest:
        told = give(state, replace(u, text=rest), d, asked=asked)
        status = status_reply(d, now)
        return replace(told, reply=replace(status, then=told.reply))
    if d.status not in SAVABLE:
        return Decision(Reply("instructions.not_possible", {"tracking": d.tracking_number}), state)
    held = None if code else asks_what_is_held(words)  # a code given is saved, asked or not
    if held is not None:
        return _what_is_held(state, d, held)
    length = len(words.split())
    short_or_question = length <= 6 or (length <= 10 and _QUESTION.search(words))
    if not code and not asked and short_or_question and _ASKING.search(words):
        return Decision(Reply("instructions.ask"), state.waiting_for("instructions"))
    if not code and not asked and asks_something_else(words):
        # "what are the hours there?": a question the NLU read as instructions, unsure. Saved,
        # it would reach the driver as a note and the customer would get no answer.
        return not_understood(state)
    instructions = None if code and _only_code(words) else words
    done = state.waiting_for(None)
    if d.on_todays_route and d.status in ON_THE_ROAD:
        key = "instructions.relayed"
    elif d.status == "failed_attempt" and not lost_or_damaged(d):
        key = "instructions.next_attempt"  # a lost or damaged one has no next attempt to book
    else:
        key = "instructions.saved"
    action = SaveInstructions(d.id, instructions=instructions, access_code=code)
    return Decision(Reply(key, {"has_code": bool(code)}), done, (action,))


# "Can I get the driver's number?", "can I call the driver", "número del repartidor": drivers'
# numbers stay private; a message for today's driver is what we can pass on.
REACH_DRIVER = "reach_the_driver"
_REACH_DRIVER = re.compile(
    r"\b(?:driver|courier|delivery (?:guy|person|man))(?:'?s)?\s+(?:phone\s+|cell\s+)?(?:number|"
    r"#|phone|cell)\b|\b(?:call|text|contact|reach|message|talk to|speak to|speak with|"
    r"talk with)\s+(?:the|my|your|our)\s+(?:driver|courier|delivery (?:guy|person|man))\b|"
    r"\b(?:n[uú]mero|tel[eé]fono|celular) del (?:repartidor|chofer|conductor)\b|"
    r"\b(?:hablar|comunicarme|llamar) (?:con |a )?(?:el |al )?(?:repartidor|chofer|conductor)\b",
    re.I,
)


def asks_to_reach_the_driver(text: str) -> bool:
    return _REACH_DRIVER.search(text) is not None


def reach_the_driver(state: ConversationState, d: DeliveryFacts) -> Decision:
    """Drivers' numbers are not given out; today's driver gets a message through us, and
    otherwise our team answers."""
    if d.on_todays_route and d.status in ON_THE_ROAD:
        reply = Reply("instructions.reach_driver", {"tracking": d.tracking_number})
        return Decision(reply, state.waiting_for("instructions"))
    return Decision(Reply("instructions.no_driver_today"), state.waiting_for(None))


def answer(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    """The reply to "reply with your instructions"; None when it is another request."""
    if u.entities.access_code:
        return give(state, u, d, asked=True)
    if u.intent in NOT_INSTRUCTIONS and u.confidence >= SURE:
        return None
    if asks_what_is_held(u.text) is None and yes_or_no(u, DECLINED) == "no":
        return Decision(Reply("instructions.none"), state.waiting_for(None))  # "no, all good"
    if u.intent in ("deny", "request_human", "complain"):
        return None
    return give(state, u, d, asked=True)


def offers_instructions(text: str) -> bool:
    """ "Can I leave a note for the driver?", "how do I add a gate code": asks how to give them."""
    return bool(_OFFER.search(text) and _ASKING.search(text))


def asks_what_is_held(text: str) -> str | None:
    """'code' or 'instructions' when the message asks whether we (or the driver) have them.

    Sentence by sentence: in "the driver couldn't get in? there's a buzzer, just hit 12" the
    question is about the failed attempt and the code words are in the sentence that gives
    the instructions."""
    for sentence in _SENTENCES.findall(text):
        held = _asks_what_is_held(sentence)
        if held is not None:
            return held
    return None


_SENTENCES = re.compile(r"[^?.!]+[?.!]*")


def _asks_what_is_held(text: str) -> str | None:
    if not _INTERROGATIVE.search(text) or _WHY.search(text):
        return None
    about_code = _ABOUT_CODE.search(text)
    if _DRIVER_TOLD.search(text) or _THE_RECORD.search(text):  # asks, whatever else it says
        return "code" if about_code else "instructions"
    if _gives(text):
        return None
    if about_code:
        return "code"
    if _ABOUT_NOTES.search(text):
        return "instructions"
    return None


def asks_something_else(text: str) -> bool:
    """Every sentence a question that neither gives the driver anything nor asks about what we
    hold: "what are the hours there", "who is my driver?". A sentence that tells ("the gate
    sticks, push hard") or a request ("can you leave it at the back door?") is instructions."""
    sentences = [s for s in _SENTENCES.findall(text) if re.search(r"\w", s)]
    return bool(sentences) and all(
        _INTERROGATIVE.search(s)
        and not _WHY.search(s)  # "why didn't the driver use my code?" is a complaint
        and not _gives(s)
        and not _ABOUT_CODE.search(s)
        and not _ABOUT_NOTES.search(s)
        for s in sentences
    )


def _gives(text: str) -> bool:
    """Asks how to give us something, or asks the driver to do something."""
    return bool(_OFFER.search(text) or _REQUEST.search(text) or INSTRUCTING.search(text))


def _what_is_held(state: ConversationState, d: DeliveryFacts, held: str) -> Decision:
    """Whether a code (never the code) or instructions are on file, and how to change them."""
    on_route = d.on_todays_route and d.status in ON_THE_ROAD
    if held == "code":
        key = "instructions.code_on_file" if d.has_access_code else "instructions.no_code"
    else:
        key = "instructions.on_file" if d.has_instructions else "instructions.none_on_file"
    reply = Reply(key, {"tracking": d.tracking_number, "on_route": on_route})
    return Decision(reply, state.waiting_for(None))


def also_instructs(text: str) -> bool:
    """A "where is it?" message that also gives instructions (not "is it at the neighbor's?")."""
    where, rest = _split_where(text)
    return bool(where and rest and INSTRUCTING.search(rest))


def _split_where(words: str) -> tuple[str, str]:
    """The "where/when is it" clauses and the rest, when a message has both."""
    clauses = [c.strip() for c in _CLAUSES.split(words) if c and c.strip()]
    where = [c for c in clauses if ASKS_WHERE_OR_WHEN.search(c)]
    if len(clauses) < 2 or not where:
        return "", ""
    return ", ".join(where), ", ".join(c for c in clauses if c not in where)


def redact(text: str, code: str | None) -> str:
    """The customer's words with the access code replaced: safe for transcripts and dispatch."""
    if not code:
        return text
    return re.sub(re.escape(code), "[code]", text, flags=re.I)


# What a message that only gives or changes a code says around it ("actually the code changed,
# it's 4417 now"): nothing for the driver to read, so the instructions on file stay.
_AROUND_A_CODE = re.compile(
    r"(?i)\b(gate|door|front|main|access|building|entry|lockbox|keypad|buzzer|passcode|code|pin|"
    r"number|c[oó]digo|clave|is|es|the|for|el|la|de|del|my|mi|our|nuestro|puerta|port[oó]n|"
    r"entrada|edificio|actually|changed|change|changes|new|now|it'?s|that'?s|here'?s|it|updated?|"
    r"to|sorry|oops|ok|okay|hi|hey|please|pls|thanks|thx|use|try|we|just|fyi|so|and|also|"
    r"cambi[oó]|cambiamos|nuevo|nueva|ahora|usa|use|gracias|hola|perd[oó]n)\b"
)


def _only_code(words: str) -> bool:
    leftover = _AROUND_A_CODE.sub("", words.replace("[code]", ""))
    return not re.sub(r"[\W_]+", "", leftover)
