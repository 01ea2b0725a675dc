"""Someone else's package delivered to this customer: a case for dispatch to collect it.

"The package I got isn't mine, it has someone else's name on it", "they delivered the wrong
package", "this box is for my neighbor at 45 Elm", "me entregaron un paquete que no es mío". The
NLU reads these as a missing package, whose script ("it was delivered, check with neighbors")
is wrong here: the customer has a package that is not theirs, and maybe not their own. The
words decide (flows/conversation.py reads them before the NLU's intent); a person arranges the
pickup, and a delivery of theirs that shows delivered is looked into with it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from flows.answers import plain
from flows.handoff import WRONG_ITEM_CASE
from flows.model import (
    ON_THE_WAY,
    ConversationState,
    Decision,
    DeliveryFacts,
    Facts,
    OpenException,
    Reply,
)
from flows.policy import Policy
from flows.several import current, recently_delivered

WRONG_ITEM = "report_wrong_item"  # the intent such a message gets (no NLU intent reads it)
REASON = "wrong_item_received"

_PACKAGE = r"(?:package|packages|box|boxes|parcel|parcels|delivery|paquete|caja)"
# Someone else, or somewhere else: "my neighbor", "the house next door", "45 Elm".
_ELSEWHERE = (
    r"(?:my |the |our |a )?(?:neighbou?rs?|someone else|somebody else|"
    r"(?:(?:house|apartment|unit|place|building) )?next door|"
    r"another (?:person|customer|address|house|apartment|unit|name)|a different|"
    r"\d+\s+(?!am\b|pm\b|oclock|hours?\b|minutes?\b|mins?\b|days?\b)[a-z]+)"
)
_NAME = r"\b(?:different|wrong|another|other|someone elses) (?:persons |peoples )?names?\b"
# Their own went elsewhere ("delivered it to someone else's house"): missing, not this.
_NOT_THEIRS = tuple(
    re.compile(p)
    for p in (
        # "isn't mine", "not my package", "the name isn't mine", "no es mio", "no es para mi"
        r"\b(?:isnt|is not|its not|it is not|not|wasnt|was not|arent|are not|aint)\s+"
        rf"(?:mine|ours|(?:my|our) (?:{_PACKAGE}|name|address))\b",
        r"\bno (?:es|son|era|eran) (?:mio|mia|mios|mias|nuestro|nuestra|para mi|para nosotros|"
        r"a mi nombre)\b",
        # "someone else's name on it", "somebody else's package" (not "to someone else's house")
        r"(?<!\bto )(?<!\bat )(?<!\bin )(?<!\bwent )\b(?:someone|somebody|some one) elses\b"
        r"(?! (?:house|home|door|porch|place|apartment|building))",
        # "the wrong package" (not "the wrong package number": a tracking number mixed up)
        rf"\bwrong {_PACKAGE}\b(?! (?:number|tracking|id|code|info))|"
        rf"\b{_PACKAGE} (?:equivocad[oa]|incorrect[oa]|ajen[oa])\b",
        rf"\bneighbou?rs {_PACKAGE}\b|\b{_PACKAGE} del? (?:mi |la )?vecin[oa]\b",
        # "this box is for my neighbor", "it belongs to 45 Elm", "a box for 12 Oak St"
        r"\b(?:is|was|its|are|were|belongs|addressed|labell?ed|made out|meant)\s+"
        rf"(?:actually |really |clearly |obviously |supposed to be )?(?:for|to)\s+{_ELSEWHERE}",
        rf"\b{_PACKAGE} (?:for|addressed to|labell?ed for) {_ELSEWHERE}",
        # "the box has a different name", "the wrong name on the label" (a wrong address on it
        # may be their own package's)
        rf"\b(?:{_PACKAGE}|label|it)\b.{{0,24}}\b(?:has|had|with|shows|says) (?:a |the )?{_NAME}",
        rf"{_NAME} (?:\w+ ){{0,3}}?on (?:it|the (?:box|package|label|parcel))\b",
        r"\b(?:es|son|era) (?:para|de) (?:mi |el |la |los |las )?vecin[oa]s?\b|"
        r"\b(?:de|para) otra persona\b|\bde alguien mas\b|\b(?:otro nombre|nombre de otr[oa])\b",
    )
)
# ...and it is in their hands: got, delivered, left, on the label ("me entregaron", "recibí").
_HAS_IT = re.compile(
    r"\b(?:got|gotten|received|receive|delivered|dropped|left|came|arrived|brought|gave|given|"
    r"handed|have|has|"
    rf"had|label|name|addressed|porch|doorstep|mailbox|opened|this {_PACKAGE}|"
    r"me (?:entregaron|dejaron|llego|trajeron)|recibi|llego|tengo|tiene|dejaron|entregaron|"
    r"trajeron|este paquete|esta caja|etiqueta|nombre)\b"
)


def received_someone_elses(text: str) -> bool:
    """Whether the customer says they were given a package that is not theirs."""
    words = plain(text)
    return any(p.search(words) for p in _NOT_THEIRS) and _HAS_IT.search(words) is not None


def wrong_item(state: ConversationState, facts: Facts, policy: Policy, now: datetime) -> Decision:
    """A case for dispatch to collect the package; the customer keeps it aside meanwhile. A
    package of theirs delivered lately may be the one swapped: the case says so, and so does
    the reply."""
    own = next(iter(recently_delivered(facts, now)), None)
    # One of theirs still on today's route: its driver passes by and can collect it.
    passing = next((x for x in current(facts, now) if _on_the_way_today(x)), None)
    d = own or passing or facts.delivery(state.delivery_id)
    if d is None and len(facts.deliveries) == 1:
        d = facts.deliveries[0]
    subject = d.tracking_number if d is not None else "no delivery on this phone"
    summary = (
        f"{subject}: the customer received a package that is not theirs (see the transcript "
        "for the name or address on it); arrange a driver to collect it"
    )
    if own is not None:  # d is their own, delivered: maybe swapped with the one they got
        summary += "; their own package shows delivered to them: check where it went"
    elif d is not None and d is passing:
        summary += "; their own is on today's route: its driver can collect it"
    case = OpenException(
        delivery_id=d.id if d is not None else None,
        type=WRONG_ITEM_CASE,
        reason_code=REASON,
        summary=summary,
        transcript=state.transcript,
    )
    done = replace(state.waiting_for(None), low_confidence=0)
    if d is not None:
        done = done.about(d.id)
    params = {
        "hours": policy.human_response_hours,
        "tracking": own.tracking_number if own is not None else None,
    }
    return Decision(Reply("handoff.wrong_item", params), done, (case,))


def _on_the_way_today(d: DeliveryFacts) -> bool:
    return d.on_todays_route and d.status in ON_THE_WAY
