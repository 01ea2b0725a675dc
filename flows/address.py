"""Address changes: a unit correction or a same-ZIP move before dispatch is automatic;
anything else goes to dispatch with the customer's words attached."""

from __future__ import annotations

import re

from flows.model import (
    ConversationState,
    Decision,
    DeliveryFacts,
    OpenException,
    Reply,
    UpdateAddress,
)
from nlu.understanding import Understanding

_UNIT = re.compile(
    r"(?<!\w)(apt|apartment|unit|suite|ste|floor|fl|#)\.?\s*#?\s*([a-z0-9-]{1,8})\b", re.I
)
_STREET = re.compile(
    r"\b\d{1,6}\s+[a-z0-9.' ]+?\s(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|"
    r"lane|way|ct|court|pl|place|ter|terrace|pkwy|parkway|hwy|highway|calle|avenida)\b\.?",
    re.I,
)
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
CHANGEABLE = frozenset({"created", "scheduled", "failed_attempt", "out_for_delivery", "arriving"})
ON_THE_WAY = frozenset({"out_for_delivery", "arriving"})


def change(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision:
    if d.status not in CHANGEABLE:
        return Decision(Reply("address.not_possible", {"tracking": d.tracking_number}), state)
    words = u.entities.address or u.text
    street = _STREET.search(words)
    unit = _UNIT.search(words)
    if street is None and unit is None:
        asked = state.waiting_for("address")
        return Decision(Reply("address.ask"), asked)
    done = state.waiting_for(None)
    if street is None:
        line2 = _unit_text(unit)
        action = UpdateAddress(d.id, None, line2, customer_words=u.text)
        return Decision(
            Reply("address.updated", {"address": _one_line(d, None, line2)}), done, (action,)
        )
    new_zip = _ZIP.search(words, street.end())
    if new_zip is None:
        asked = state.waiting_for("address")
        return Decision(Reply("address.ask_zip"), asked)
    same_zip = new_zip.group(1) == (d.postal_code or "")[:5]
    if same_zip and d.status not in ON_THE_WAY:
        line1 = " ".join(street.group(0).split()).rstrip(".").title()
        line2 = _unit_text(unit) if unit else None
        action = UpdateAddress(d.id, line1, line2, customer_words=u.text)
        return Decision(
            Reply("address.updated", {"address": _one_line(d, line1, line2)}), done, (action,)
        )
    reason = "on_the_way" if same_zip else "different_zip"
    case = OpenException(
        delivery_id=d.id,
        type="address_change",
        reason_code=reason,
        summary=f"{d.tracking_number}: customer asks to deliver to a new address ({reason})",
        transcript=state.transcript,
    )
    return Decision(Reply("address.review"), done, (case,))


def _unit_text(unit: re.Match[str]) -> str:
    label = unit.group(1).lower()
    label = {"apartment": "Apt", "apt": "Apt", "#": "#", "ste": "Suite"}.get(label, label.title())
    return f"{label} {unit.group(2).upper()}" if label != "#" else f"#{unit.group(2).upper()}"


def _one_line(d: DeliveryFacts, line1: str | None, line2: str | None) -> str:
    return ", ".join(p for p in (line1 or d.address_line1, line2 or d.address_line2) if p)
