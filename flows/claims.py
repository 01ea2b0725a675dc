"""Missing (marked delivered, not there) and damaged packages: evidence first, then a claim."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.answers import (
    SURE,
    Question,
    acknowledges,
    new_request,
    phrases,
    picks_a_number,
    plain,
    yes_or_no,
)
from flows.handoff import lost_or_damaged
from flows.instructions import ON_THE_ROAD
from flows.model import ConversationState, Decision, DeliveryFacts, Facts, FileClaim, Reply
from flows.policy import Policy
from flows.status import status_reply
from nlu.understanding import Understanding

_NOT = (
    r"(?:didnt|did not|havent|have not|hasnt|has not|never|not|cant|cannot|couldnt|could not|"
    r"unable to|dont|do not|doesnt|does not|wasnt|was not|isnt|is not|arent|aint|nobody|no one|"
    r"nothing)"
)
_GET = (
    r"(?:find|found|get|got|gotten|receive|received|recieved|see|seen|saw|come|came|arrive|"
    r"arrived|show|showed|shown|turn|turned|deliver|delivered|locate|located|have|had|here|there|"
    r"anywhere)"
)
_PLACE = (
    r"(?:house|home|address|door|porch|building|place|apartment|apt|unit|street|location|spot|"
    r"steps?|stoop|doorstep|gate|lobby|package|box|photo|picture|pic)"
)
# "Still missing? Reply YES": yes is still missing, no is found. A "no" that goes on about the
# photo or the place is read by what follows it.
STILL_MISSING = Question(
    phrases=(
        *phrases(
            "no",
            r"never ?mind|nvm|not missing|no longer missing|isnt missing|not lost|nothing wrong|"
            r"no worries|no problem|not a problem|all good|all set|im good|were good|its fine|"
            r"its ok|false alarm|my bad|my mistake",
        ),
        *phrases(
            "yes",
            rf"{_NOT}(?: \w+){{0,2}} {_GET}",
            r"no (?:lo |la )?(?:encuentro|encontre|encontramos|tengo|veo|recibi|he recibido|"
            r"ha llegado|llego|esta|aparece|aparecio)|todavia no|aun no|sigue sin|nunca llego",
        ),
        *phrases(
            "no",
            r"found|(?:see|saw|spotted) it|encontre|encontramos|aparecio|ya llego|(?:ya )?lo tengo|"
            r"lo recibi",
            r"(?:got|have|received|recieved|picked up|grabbed|located|retrieved) "
            r"(?:it|them|the (?:package|box|parcel)|my (?:package|box|parcel))",
            r"(?:its|it was|it is|it had been|(?:package|box|parcel) (?:is|was)) "
            r"(?:here|there|in|at|on|behind|under|by|with|inside|outside|around|next to|beside|"
            r"near)",
            r"(?:neighbou?rs?|roommate|wife|husband|son|daughter|mom|mum|dad|partner|kids?|family|"
            r"concierge|doorman|front desk|mail ?room|office|landlord|building manager|super) "
            r"(?:had|has|took|got|grabbed|picked|brought|kept|was holding|is holding|signed)",
            r"(?:showed|turned|popped) up|(?:it|package|box|parcel) (?:just )?(?:came|arrived)",
        ),
        *phrases(
            "yes",
            r"still (?:missing|nothing|no|not|waiting|havent|hasnt|cant|dont|gone|lost|looking|"
            r"nowhere|isnt|wasnt|aint|empty)",
            r"missing|stolen|stole|lost|gone|nowhere|disappeared|vanished|taken|no idea|"
            r"where (?:is|did) it|wheres it",
            r"not (?:even |really |actually )?(?:here|there|mine|ours|my|our|at|in|on|by|outside|"
            r"anywhere|it|the right|what|where)",
            r"(?:isnt|wasnt|arent|aint|is not|was not|are not) (?:even |really |actually )?"
            r"(?:mine|ours|my|our|it|the right|what|where)",
            rf"(?:wrong|different|another|other|someone elses|somebody elses) {_PLACE}",
            r"(?:someone|somebody) elses|nothing|never|no (?:package|box|parcel|sign|trace)",
            r"(?:already|i) checked|checked (?:everywhere|all over|already|twice)|"
            r"looked everywhere",
            r"claim|no es (?:mi|nuestra|nuestro)|otra (?:casa|puerta)|robaron|perdido|se perdio",
        ),
    ),
    ok_means=None,  # "ok" to "please check with the neighbours" is "I'll check", not an answer
    bare_no=True,
)
# "Please reply with a photo": yes is a photo to come, no is none (the claim opens without).
SENDS_PHOTO = Question(
    phrases=(
        *phrases(
            "no",
            r"(?:no|dont|do not|didnt|did not|cant|cannot|couldnt|unable to|wont|forgot to|"
            r"not able to) (?:have |take |took |send |get |make |got |taken )?(?:a |any |the )?"
            r"(?:photos?|pictures?|pics?|images?|camera)",
            r"(?:dont|do not|didnt|did not) (?:have|take|keep) (?:one|any|it)|"
            r"(?:cant|cannot|couldnt) (?:take|send|get) (?:one|any|it)",
            r"(?:threw|thrown|tossed|recycled|trashed|binned)|no tengo|sin foto|no puedo",
        ),
        *phrases(
            "yes",
            r"later|in a (?:bit|min|minute|sec|second)|one (?:sec|second|min|minute)|"
            r"give me a (?:sec|second|min|minute)|hold on|will send|ill send|ill take|"
            r"sending (?:it|now|one)|let me (?:take|get|find|grab)|luego|ahora se la mando",
        ),
    ),
)
# Delivered, or being handed over (the delivery system's scan may lag the handover): a package
# still to come cannot have arrived broken.
ARRIVED_OR_ARRIVING = frozenset({"delivered", "out_for_delivery", "arriving"})
# "only got one box", "there's supposed to be 2", "where's the other one": part of the order.
_PART_OF_AN_ORDER = re.compile(
    r"\b(only (got|received|have|came)|just (got|one)|one (box|package|parcel|of)|other (one|box|"
    r"package|parcel)|second (one|box|package)|supposed to be (2|two|3|three)|(2|two) (boxes|"
    r"packages|parcels)|rest of|solo (llego|recibi)|el otro|la otra)\b"
)
# "wrong house in the pic", "that's not my porch": the proof of delivery shows another place.
_PLACES = r"(?:house|home|door|front door|porch|building|address|place|apartment|apt|steps|stoop)"
_WRONG_PLACE = re.compile(
    rf"\b(?:wrong|not (?:my|our|the right)|isnt (?:my|our)|aint (?:my|our)) {_PLACES}\b|"
    r"\bno es (?:mi|nuestra|nuestro) (?:casa|puerta|porche|edificio|direccion)\b|"
    r"\b(?:casa|puerta|direccion) equivocada\b"
)
# A description of the damage is evidence too: the claim opens on it, a photo can follow.
_DAMAGE = re.compile(
    r"\b(broken|broke|crushed|smashed|dented|torn|ripped|wet|soaked|leak\w*|shattered|cracked|"
    r"damaged?|scratched|bent|destroyed|ruined|spilled|spilt|opened|busted|missing (parts|"
    r"pieces|items?)|roto|rota|danad[oa]|mojad[oa]|aplastad[oa])\b"
)

# What says the package is not there at all (a damage report may say "missing parts").
_NOT_THERE = re.compile(
    rf"\b(missing|stolen|lost|gone|nowhere|{_NOT}(?: \w+){{0,2}} {_GET}|no (?:package|box|parcel)|"
    r"no (?:lo |la )?(?:encuentro|tengo|recibi)|nunca llego|robaron|perdido)\b"
)


def missing(
    state: ConversationState, u: Understanding, d: DeliveryFacts, facts: Facts, policy: Policy
) -> Decision:
    if d.status != "delivered":
        return Decision(status_reply(d), state)
    words = plain(u.text)
    if _DAMAGE.search(words) and not _NOT_THERE.search(_DAMAGE.sub(" ", words)):
        return damaged(state, d, facts, policy)  # "delivered but the box was smashed": it is there
    coming = [o for o in facts.deliveries if o.id != d.id and o.status in ON_THE_ROAD]
    if coming and _PART_OF_AN_ORDER.search(plain(u.text)):  # "got one box, there should be 2"
        reply = Reply("claims.other_coming", {"delivered": d.tracking_number})
        return Decision(replace(reply, then=status_reply(coming[0])), state)
    if _WRONG_PLACE.search(plain(u.text)):  # they have seen the photo: no need to ask again
        claim = FileClaim(d.id, "missing", description=_story(state))
        return Decision(_opened("claims.opened", d, policy), state.waiting_for(None), (claim,))
    asked = state.waiting_for("missing_confirm")
    reply = Reply(
        "claims.missing_check",
        {"delivered_at": d.delivered_at, "pod": d.pod_photo_url, "tz": d.timezone},
    )
    return Decision(reply, asked)


def answer_missing(
    state: ConversationState, u: Understanding, d: DeliveryFacts, policy: Policy
) -> Decision | None:
    """The reply to "Still missing? Reply YES": read by what it says, not by its first word."""
    if picks_a_number(u):  # "1" to "Still missing? Reply YES" opens no claim on a guess
        return Decision(Reply("claims.missing_ask"), state)
    done = state.waiting_for(None)
    answer = yes_or_no(u, STILL_MISSING)
    if answer is None and u.intent == "report_missing_package" and u.confidence >= SURE:
        answer = "yes"  # told again that it isn't there
    if answer == "yes":
        claim = FileClaim(d.id, "missing", description=_story(state))
        return Decision(_opened("claims.opened", d, policy), done, (claim,))
    if answer == "no":
        return Decision(Reply("claims.found"), done)
    if new_request(u, own=frozenset({"report_missing_package"})):
        return None
    if acknowledges(u):  # "ok, I'll check": the question stays open
        return Decision(Reply("claims.missing_wait"), state)
    return _ask_once(state, "claims.missing_ask", "missing_confirm")


def damaged(state: ConversationState, d: DeliveryFacts, facts: Facts, policy: Policy) -> Decision:
    if lost_or_damaged(d):  # the carrier kept it: nothing reached them to photograph
        return Decision(status_reply(d), state)
    if d.status not in ARRIVED_OR_ARRIVING:
        reply = Reply(
            "claims.damage_not_received", {"tracking": d.tracking_number, "status": d.status}
        )
        return Decision(reply, state)
    if facts.media_urls:
        return _file_damaged(state, d, facts, policy)
    return Decision(Reply("claims.ask_photo"), state.waiting_for("damage_photo", tries=0))


def answer_damaged(
    state: ConversationState, u: Understanding, d: DeliveryFacts, facts: Facts, policy: Policy
) -> Decision | None:
    """The reply to "please send a photo": a photo, a description of the damage, or "I have
    none" opens the claim; "I'll send it later" waits; anything else is asked again once."""
    if facts.media_urls:
        return _file_damaged(state, d, facts, policy)
    answer = yes_or_no(u, SENDS_PHOTO)
    if answer == "no":
        return _file_damaged(state, d, facts, policy)
    describes = u.intent == "report_damaged_package" and u.confidence >= SURE
    if describes or _DAMAGE.search(plain(u.text)):
        return _file_damaged(state, d, facts, policy)
    if new_request(u, own=frozenset({"report_damaged_package"})):
        return None
    if answer == "yes":
        return Decision(Reply("claims.photo_wait"), state)
    # Not about the damage: asked once more, then no claim on a stray "2".
    return _ask_once(state, "claims.ask_photo_again", "damage_photo")


def _ask_once(state: ConversationState, key: str, kind: str) -> Decision | None:
    """The question again, once; a second reply that answers nothing leaves it (None)."""
    if int((state.pending or {}).get("tries", 0)) >= 1:
        return None
    return Decision(Reply(key), state.waiting_for(kind, tries=1))


def _file_damaged(
    state: ConversationState, d: DeliveryFacts, facts: Facts, policy: Policy
) -> Decision:
    claim = FileClaim(d.id, "damaged", description=_story(state), evidence_urls=facts.media_urls)
    key = "claims.opened" if facts.media_urls else "claims.opened_no_photo"
    return Decision(_opened(key, d, policy), state.waiting_for(None), (claim,))


def _opened(key: str, d: DeliveryFacts, policy: Policy) -> Reply:
    """A claim opened: the reply says when the claims team will be in touch (the policy's)."""
    return Reply(key, {"tracking": d.tracking_number, "days": policy.claim_response_business_days})


def _story(state: ConversationState) -> str:
    return "\n".join(text for who, text in state.transcript if who == "customer")


# --- after a claim is open: "how long will the claim take?", "any update on my claim?" -------

FOLLOW_UP = "claim_follow_up"  # the intent the words give a question about an open claim
_CLAIM = re.compile(r"\b(claims?|case|refund|replacement|reclamo|reclamacion|caso|reembolso)\b")
_ASKS = re.compile(
    r"\b(how long|how much longer|when|any (update|news|word)|updates?|status|news|progress|hear "
    r"back|heard|still (open|waiting|pending)|whats happening|what happens|next step|cuanto|"
    r"cuando|novedad(es)?|noticias|estado|actualizacion|sigue|pasa)\b|"
    r"^(will|would|can|could|do|does|did|is|are|am|what|how|voy|me van|van)\b|\?|"
    # "nobody has called me about my claim", "no me han llamado": the promise not kept yet
    r"\b(nobody|no one|noone|nadie|no me han|not been|no ha|no han)\b.{0,20}\b(call|called|"
    r"contact|contacted|text|texted|email|emailed|reached|answered|replied|respond\w*|llamad\w*|"
    r"contactad\w*|escrit\w*|respondid\w*|llamo|contacto|escribio|respondio)\b"
)
# Asked without naming the claim, just after opening one: only a question of time or news, and
# not about a package still to come ("when will the other one arrive?" is a status question).
_ASKS_ALONE = re.compile(
    r"\b(how long|how much longer|any (update|news|word)|updates?|hear back|heard (back|anything)|"
    r"next step|what happens now|whats next|novedad(es)?|noticias|cuanto (tarda|tiempo|demora))\b"
)
# "when will someone get back to me?", "how long until someone calls me?", "cuando me van a
# contactar?": after a claim, when the claims team answers. A question of when, not a request
# for a person now (the answer offers one sooner).
_WHEN_ANSWERED = re.compile(
    r"\b(when|how long|how soon|how much longer|cuando|cuanto)\b.*\b(get back|hear (back|from)|"
    r"contact\w*|call\w*|text\w*|email\w*|reach\w*|respond\w*|answer\w*|reply|contactar\w*|"
    r"llamar\w*|escribir\w*|responder\w*|comunicar\w*)\b"
)
_A_NEW_CLAIM = re.compile(
    r"\b(file|open|start|make|submit|another|new|second|other|abrir|otro|otra|nuevo)\b"
)
_ABOUT_A_DELIVERY = re.compile(
    r"\b(packages?|box(es)?|parcels?|deliver\w*|arriv\w*|comes?|coming|other|driver|paquetes?|"
    r"cajas?|lleg\w*|entreg\w*|otro|otra)\b"
)


def asks_about_claim(text: str, state: ConversationState, facts: Facts) -> bool:
    """A question about a claim on record: the claim named and asked after ("any update on my
    claim?"), or, once one was opened in this conversation, asked after alone ("how long does
    this take?")."""
    words = plain(text)
    if _CLAIM.search(words):  # "can I file a claim for the other box?" asks for a new one
        asks = _ASKS.search(words) is not None and not _A_NEW_CLAIM.search(words)
    else:
        alone = state.claims and not _ABOUT_A_DELIVERY.search(words)
        said = _ASKS_ALONE.search(words) or _WHEN_ANSWERED.search(words)
        asks = bool(alone) and said is not None
    return asks and bool(on_record(state, facts))


def asks_when_answered(text: str) -> bool:
    """ "When will someone get back to me?": names a person, but asks when (the claim says)."""
    return _WHEN_ANSWERED.search(plain(text)) is not None


def on_record(state: ConversationState, facts: Facts) -> list[tuple[DeliveryFacts, str, datetime]]:
    """This phone's open claims: the record's, then those opened in this conversation."""
    found = {
        d.id: (d, d.open_claim, d.open_claim_at)
        for d in facts.deliveries
        if d.open_claim and d.open_claim_at is not None
    }
    for delivery_id, kind, opened in state.claims:
        d = facts.delivery(delivery_id)
        if d is not None and d.on_this_phone and delivery_id not in found:
            found[delivery_id] = (d, kind, datetime.fromisoformat(opened))
    return list(found.values())  # type: ignore[arg-type]


def follow_up(state: ConversationState, facts: Facts, policy: Policy, now: datetime) -> Decision:
    """Where the claim stands: open since when, and who answers by when: the claims team by
    the policy's business days after it opened (or overdue, with a person offered sooner)."""
    claims = on_record(state, facts)
    d, kind, opened = next(
        (c for c in claims if c[0].id == state.delivery_id), max(claims, key=lambda c: c[2])
    )
    due = answer_due(opened, policy)
    reply = Reply(
        "claims.status",
        {
            "tracking": d.tracking_number,
            "kind": kind,
            "opened_at": opened,
            "tz": d.timezone,
            "days": policy.claim_response_business_days,
            "due": due,
            "overdue": now >= due,
            "hours": policy.human_response_hours,
        },
    )
    return Decision(reply, state.about(d.id).waiting_for(None))


# The claims team works Monday to Friday: its promise counts those days only (holidays are not
# known here; a claim due on one is answered a day late, and the customer can still ask AGENT).
_BUSINESS_DAYS = frozenset(range(5))


def answer_due(opened: datetime, policy: Policy) -> datetime:
    """When the claims team's answer falls due: the policy's business days after the claim
    opened, weekends skipped, in the operator's time zone (opened Friday 4pm with 2 days: due
    Tuesday 4pm; opened Saturday: the count starts Monday)."""
    due = opened.astimezone(ZoneInfo(policy.timezone))
    left = policy.claim_response_business_days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() in _BUSINESS_DAYS:
            left -= 1
    return due


def opened_in(state: ConversationState, actions: tuple, now: datetime) -> ConversationState:
    """The state that remembers the claims these actions open."""
    opened = [
        (a.delivery_id, a.kind, now.isoformat())
        for a in actions
        if isinstance(a, FileClaim) and all(c[0] != a.delivery_id for c in state.claims)
    ]
    return replace(state, claims=(*state.claims, *opened)) if opened else state
