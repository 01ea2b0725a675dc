"""The package the customer describes, out of a short list: "the one on the way", "the one
that's not delivered yet", "the one that hasn't come", "the one that was refused", "the one
ending in 0496", "the other one".

Pure text matching on the plain text (see flows/answers.plain). A description that fits more
than one package, or none, picks nothing: the flow asks again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from flows.answers import plain
from flows.model import DeliveryFacts

ARRIVED = frozenset({"delivered"})
COMING = frozenset(
    {"created", "scheduled", "out_for_delivery", "arriving", "failed_attempt", "held_for_pickup"}
)
GOING_BACK = frozenset({"return_to_sender", "returned"})
# Negations that turn a description around: "not delivered", "hasn't come", "never arrived".
_NOT = (
    r"(?:not|never|hasnt|has not|havent|have not|didnt|did not|isnt|is not|wasnt|was not|aint|"
    r"arent|are not|no (?:ha|han|esta|se)|todavia no|aun no|sin)"
)
_STATES: tuple[tuple[re.Pattern[str], Callable[[DeliveryFacts], bool]], ...] = tuple(
    (re.compile(rf"(?:\b{_NOT} ?(?:\w+ ){{0,2}}?(?:yet )?)?\b(?:{words})\b"), fits)
    for words, fits in (
        (
            r"on (?:the|its) way|coming|on the truck|out for delivery|in transit|pending|"
            r"scheduled|en camino|por llegar|(?:still |yet |supposed |due |going |about )to "
            r"(?:come|arrive|be delivered)|(?:will|should|would) (?:come|arrive|be delivered)|"
            r"expect\w*|upcoming|undelivered",
            lambda d: d.status in COMING,
        ),
        (
            r"delivered|arrived?|came|come|here|received|receive|got|gotten|get|dropped off|"
            r"(?:showed|turned) up|entregad[oa]|llegad[oa]|llego|recibi\w*",
            lambda d: d.status in ARRIVED,
        ),
        (r"missed|failed|attempted", lambda d: d.status == "failed_attempt"),
        (r"at the depot|held|for pickup", lambda d: d.status == "held_for_pickup"),
        (
            # "the one that was refused", "the one going back": as a list line says it.
            r"refused|rejected|returned|going back|sent back|being returned|returning|rechazad[oa]|"
            r"devuelt[oa]|devolviendo",
            lambda d: d.status in GOING_BACK or d.failure_reason == "refused",
        ),
    )
)
_NEGATED = re.compile(rf"^{_NOT}\b")
_OTHER = re.compile(
    r"\bthe other(?: (?:one|package|box|parcel|order|delivery))?\b|\b(?:el|la) otr[oa]\b"
)
_DIGITS = re.compile(r"\b\d{3,}\b")
_ENDING = re.compile(r"\b(?:end\w*|last|digits?|termina\w*)\b.*?\b(\d{2,})\b")


def described(
    text: str, listed: Sequence[DeliveryFacts], current: int | None = None
) -> DeliveryFacts | None:
    """The one package of `listed` the text describes, or None when it fits none or several."""
    words = plain(text)
    numbers = {*_DIGITS.findall(words), *_ENDING.findall(words)}
    by_digits = {d.id: d for d in listed for n in numbers if d.tracking_number.endswith(n)}
    if len(by_digits) == 1:
        return next(iter(by_digits.values()))
    fitting = list(listed)
    said = False
    for pattern, fits in _STATES:  # in order, each match blanked out ("to come" first)
        for found in pattern.finditer(words):
            said = True
            negated = bool(_NEGATED.search(found.group(0)))
            fitting = [d for d in fitting if fits(d) != negated]
        words = pattern.sub(" | ", words)
    if said:  # "not the delivered one, the other": the description says which
        return fitting[0] if len(fitting) == 1 else None
    return other_than(text, listed, current)


def other_than(
    text: str, deliveries: Sequence[DeliveryFacts], current: int | None
) -> DeliveryFacts | None:
    """ "The other one": of two packages, the one we were not talking about."""
    if current is None or len(deliveries) != 2 or not _OTHER.search(plain(text)):
        return None
    others = [d for d in deliveries if d.id != current]
    return others[0] if len(others) == 1 else None


# A message that is only a reference to a package: "the one that isn't here yet", "and the
# other one?", "what about the delivered one".
_REFERENCE = re.compile(
    r"^\W*(?:(?:ok|okay|and|so|no|not|what about|how about|where is|wheres|what of)\W+)*"
    r"(?:(?:the|el|la)\s+(?:\w+\s+)?(?:one|uno|una)|(?:el|la) que)\b"
)


def is_reference(text: str) -> bool:
    """Whether the message only points at a package ("the other one", "the one on the way")."""
    return bool(_REFERENCE.search(plain(text)) or _OTHER.search(plain(text)))


def referred(
    text: str, deliveries: Sequence[DeliveryFacts], current: int | None
) -> DeliveryFacts | None:
    """The package a bare reference names, without a list shown ("and the other one?")."""
    if _REFERENCE.search(plain(text)):
        return described(text, deliveries, current)
    return other_than(text, deliveries, current)
