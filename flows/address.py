"""Address changes: a unit correction or a same-ZIP move before dispatch is automatic;
anything else goes to dispatch with the customer's words attached.

The NLU's address entity rarely carries the ZIP ("send it to 40 Park Ave 07102" gives
"40 Park Ave"), so the street and unit come from the entity first and the text second, and the
ZIP from the whole message. A street given without a ZIP is kept in the pending question, so a
ZIP-only answer ("07102") completes it.
"""

from __future__ import annotations

import re

from flows.answers import DECLINED, new_request, yes_or_no
from flows.model import (
    ON_THE_WAY,
    ConversationState,
    Decision,
    DeliveryFacts,
    OpenException,
    Reply,
    UpdateAddress,
)
from nlu.understanding import Understanding

# The longer words first: "apto 4B" is the unit 4B, not "apt" and the unit "o".
_UNIT = re.compile(
    r"(?<!\w)(apartamento|apartment|departamento|depto|dpto|apto|apt|unit|suite|ste|floor|fl|#)"
    r"\.?\s*#?\s*(?!\d{5}\b)([a-z0-9-]{1,8})\b",
    re.I,
)
# "apt 4B not 4D", "not 4D but 4B": the unit the customer does not want.
_NOT_UNIT = re.compile(r"\bnot\s+(?:apt\.?\s*|apartment\s*|unit\s*|#\s*)?([a-z0-9-]{1,8})\b", re.I)
_STREET = re.compile(
    r"\b\d{1,6}\s+[a-z0-9.' ]+?\s(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|"
    r"lane|way|ct|court|pl|place|ter|terrace|pkwy|parkway|hwy|highway|calle|avenida)\b\.?",
    re.I,
)
# "4B", "it's 12", "#3": a unit on its own, after we asked for the apartment or unit number.
_BARE_UNIT = re.compile(
    r"^\W*(?:(?:it'?s|it is|its|we'?re in|i'?m in|en el|es el|es)\s+)?#?\s*"
    r"(\d{1,4}-?[a-z]?|[a-z]-?\d{1,4})\W*$",
    re.I,
)
# "I live in 4B", "we're in 12", "vivo en el 4B": the unit said without its label, at the end of
# a clause ("I'm in 2 meetings" says no unit; a street in the message is read by _STREET).
_LIVES_IN = re.compile(
    r"\b(?:i\s*(?:'m|am)|we\s*(?:'re|are)|i\s+live|we\s+live|living|i\s+stay|vivo|vivimos|"
    r"estoy|estamos)\s+(?:in|at|en)\s+(?:el\s+|la\s+)?(\d{1,4}-?[a-z]?|[a-z]-?\d{1,4})\b"
    r"(?=\s*(?:$|[,.;:!?)]|(?:and|but|so|it|its|it's|y|pero)\b))(?!:\d)",
    re.I,
)
_ZIP = re.compile(r"(?<![\d-])(\d{5})(?:-\d{4})?(?![\d-])")
_STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd",
    "drive": "dr", "lane": "ln", "place": "pl", "court": "ct", "terrace": "ter",
    "north": "n", "south": "s", "east": "e", "west": "w",
}  # fmt: skip
# How a unit is written on the delivery, whatever the word the customer used for it.
_UNIT_LABELS = {
    "apartment": "Apt", "apt": "Apt", "apartamento": "Apt", "departamento": "Apt", "depto": "Apt",
    "dpto": "Apt", "apto": "Apt", "#": "#", "ste": "Suite",
}  # fmt: skip
CHANGEABLE = frozenset({"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving"})
# Intents that, with nothing address-like in the message, mean "not an answer to your question".
ANSWERS = frozenset({"change_address", "inform", "affirm"})
# "What address do you have for me?", "which address is it going to", "¿a qué dirección va?":
# the NLU reads these as help, or as a change of address (and asks for a new one).
ASKS_ON_FILE = "ask_address_on_file"
_ON_FILE = re.compile(
    r"\b(?:what|which|wich|wat)(?:'s| is)?\s+(?:the\s+)?(?:address|addy)\b|"
    r"\b(?:address|addy)\s+(?:do\s+)?(?:you|u)\s+(?:have|got)\b|"
    r"\bwhere\s+(?:is|are)\s+(?:it|you|they)\s+(?:being\s+)?(?:going|sending|"
    r"delivering|shipping|sent|shipped|delivered)\s+(?:it\s+)?to\b|\bis\s+(?:the|my)\s+address\s+"
    r"(?:right|correct|ok)\b|\bqu[eé]\s+direcci[oó]n\b|\bcu[aá]l\s+(?:es\s+la\s+)?direcci[oó]n\b|"
    r"\ba\s+qu[eé]\s+direcci[oó]n\b",
    re.I,
)
# The depot's address is another question (a hold for pickup says it).
_DEPOT = re.compile(
    r"\b(?:depot|warehouse|pick\s?-?up|facility|recog\w*|dep[oó]sito|almac[eé]n)", re.I
)


def change(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision:
    """The customer asks to change the address (with or without the new one)."""
    return _decide(state, u, d, pending={})


def asks_what_is_on_file(text: str) -> bool:
    """Asks which address the delivery goes to (not to change it: that names the new one)."""
    return bool(_ON_FILE.search(text) and not _STREET.search(text) and not _DEPOT.search(text))


def on_file(state: ConversationState, d: DeliveryFacts) -> Decision:
    """The address the delivery goes to as we have it (the phone is on the delivery, or the
    customer proved it is theirs), and how to correct it while it still can be."""
    street = ", ".join(p for p in (d.address_line1, d.address_line2) if p)
    address = " ".join(p for p in (street, d.postal_code) if p)
    params = {
        "tracking": d.tracking_number,
        "address": address or None,
        "changeable": d.status in CHANGEABLE,
    }
    return Decision(Reply("address.on_file", params), state.waiting_for(None))


def answer(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    """The reply to "what's the new address?" / "what's the ZIP?"; None if it's about else.

    Anything with an address in it answers, whatever the NLU called it ("no, it's 40 Park Ave");
    without one, "no" / "never mind" keeps the address as it is.
    """
    pending = state.pending or {}
    if _has_address_parts(u):
        return _decide(state, u, d, pending=pending)
    bare = _BARE_UNIT.match(u.text) if pending.get("asked") == "unit" else None
    if bare is not None:  # "4B" to "what's your apartment or unit number?"
        unit = f"Apt {bare.group(1).replace('-', '').upper()}"
        return _decide(state, u, d, pending={**pending, "unit": unit})
    if yes_or_no(u, DECLINED) == "no":
        return Decision(Reply("address.unchanged"), state.waiting_for(None))
    if u.intent not in ANSWERS or new_request(u, own=frozenset({"change_address"})):
        return None  # "where is my package?" after we asked: not an address
    return _decide(state, u, d, pending=pending)


def _decide(
    state: ConversationState, u: Understanding, d: DeliveryFacts, *, pending: dict
) -> Decision:
    if d.status not in CHANGEABLE:
        done = state.waiting_for(None)
        return Decision(Reply("address.not_possible", {"tracking": d.tracking_number}), done)
    street = _street(u) or pending.get("street")
    unit = _unit(u) or pending.get("unit")
    if street is not None and unit is not None and _same_street(street, d.address_line1):
        street = None  # "apt 4B, 700 Hudson St": the unit is what was missing
    if street is None and unit is None:
        return Decision(Reply("address.ask"), state.waiting_for("address"))
    done = state.waiting_for(None)
    if street is None:
        action = UpdateAddress(d.id, None, unit, customer_words=u.text)
        return Decision(_updated(d, None, unit), done, (action,))
    new_zip = _zip(u.text, street) or pending.get("zip")
    if new_zip is None:
        asked = state.waiting_for("address", street=street, unit=unit)
        return Decision(Reply("address.ask_zip"), asked)
    same_zip = new_zip == (d.postal_code or "")[:5]
    if same_zip and d.status not in ON_THE_WAY:
        action = UpdateAddress(d.id, street, unit, customer_words=u.text)
        return Decision(_updated(d, street, unit), done, (action,))
    reason = "on_the_way" if same_zip else "different_zip"
    new = ", ".join(p for p in (street, unit, new_zip) if p)
    case = OpenException(
        delivery_id=d.id,
        type="address_change",
        reason_code=reason,
        summary=f"{d.tracking_number}: customer asks to deliver to {new} ({reason})",
        transcript=state.transcript,
    )
    return Decision(Reply("address.review"), done, (case,))


def _updated(d: DeliveryFacts, street: str | None, unit: str | None) -> Reply:
    """Done, and, after a failed attempt, the next step: nothing is rebooked by the address."""
    return Reply(
        "address.updated",
        {
            "tracking": d.tracking_number,
            "address": _one_line(d, street, unit),
            "rebook_next": d.status == "failed_attempt",
        },
    )


def names_an_address(u: Understanding) -> bool:
    """A street ("55 Water St") or a numbered unit ("apt 4B") in a message about something else
    (a rebook): what a bare word after "apartment" or a number alone cannot be taken for."""
    unit = _unit(u)
    return _street(u) is not None or (unit is not None and any(c.isdigit() for c in unit))


def _has_address_parts(u: Understanding) -> bool:
    return bool(_street(u) or _unit(u) or _ZIP.search(u.text))


def _street(u: Understanding) -> str | None:
    found = _STREET.search(u.entities.address or "") or _STREET.search(u.text)
    return " ".join(found.group(0).split()).rstrip(".").title() if found else None


def _unit(u: Understanding) -> str | None:
    return _unit_in(u.text, u.entities.address)


def _unit_in(text: str, address: str | None = None) -> str | None:
    """The unit in the NLU's address entity or in the text, as written on a delivery."""
    unwanted = {m.group(1).upper() for m in _NOT_UNIT.finditer(text)}
    for words in (address or "", text):
        for found in _UNIT.finditer(words):
            if found.group(2).upper() not in unwanted:
                return _unit_text(found)
    lives_in = _LIVES_IN.search(text) if not _STREET.search(text) else None
    if lives_in is not None and lives_in.group(1).upper() not in unwanted:
        return f"Apt {lives_in.group(1).replace('-', '').upper()}"
    return None


def names_a_unit(text: str) -> bool:
    """ "I live in 4B", "apt 12": a unit, with or without its label."""
    return _unit_in(text) is not None


def _zip(text: str, street: str) -> str | None:
    """The last 5-digit number that isn't the street's house number."""
    house = street.split()[0]
    zips = [m.group(1) for m in _ZIP.finditer(text) if m.group(1) != house]
    return zips[-1] if zips else None


def _unit_text(unit: re.Match[str]) -> str:
    label = unit.group(1).lower()
    label = _UNIT_LABELS.get(label, label.title())
    return f"{label} {unit.group(2).upper()}" if label != "#" else f"#{unit.group(2).upper()}"


def _same_street(said: str, on_file: str | None) -> bool:
    """The street said is the one on the delivery, however abbreviated ("St" or "Street")."""
    return on_file is not None and _street_key(said) == _street_key(on_file)


def _street_key(street: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", " ", street.lower()).split()
    return " ".join(_STREET_WORDS.get(word, word) for word in words)


def _one_line(d: DeliveryFacts, line1: str | None, line2: str | None) -> str:
    return ", ".join(p for p in (line1 or d.address_line1, line2 or d.address_line2) if p)
