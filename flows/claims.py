"""Missing (marked delivered, not there) and damaged packages: evidence first, then a claim."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.answers import SURE, acknowledges, new_request, picks_a_number, plain, yes_or_no
from flows.claim_words import (
    DAMAGE,
    NOT_THERE,
    PART_OF_AN_ORDER,
    SENDS_PHOTO,
    STILL_MISSING,
    WRONG_PLACE,
    asks_about_returning,
    promises_photos,
    says_found,
)
from flows.handoff import lost_or_damaged
from flows.instructions import ON_THE_ROAD
from flows.model import (
    AddClaimEvidence,
    ConversationState,
    Decision,
    DeliveryFacts,
    Facts,
    FileClaim,
    Reply,
    WithdrawClaim,
)
from flows.policy import Policy
from flows.status import status_reply
from nlu.understanding import Understanding

# Delivered, or being handed over (the delivery system's scan may lag the handover): a package
# still to come cannot have arrived broken.
ARRIVED_OR_ARRIVING = frozenset({"delivered", "out_for_delivery", "arriving"})


def missing(
    state: ConversationState,
    u: Understanding,
    d: DeliveryFacts,
    facts: Facts,
    policy: Policy,
    now: datetime,
) -> Decision:
    if d.status != "delivered":
        return Decision(status_reply(d), state)
    words = plain(u.text)
    if DAMAGE.search(words) and not NOT_THERE.search(DAMAGE.sub(" ", words)):
        return damaged(state, d, facts, policy)  # "delivered but the box was smashed": it is there
    if open_claim_kind(state, d) == "missing":
        # "still nothing", "it was stolen" with the claim open: where it stands, not the
        # neighbours and "Still missing?" again
        return follow_up(state.about(d.id), facts, policy, now)
    coming = [o for o in facts.deliveries if o.id != d.id and o.status in ON_THE_ROAD]
    if coming and PART_OF_AN_ORDER.search(plain(u.text)):  # "got one box, there should be 2"
        reply = Reply("claims.other_coming", {"delivered": d.tracking_number})
        return Decision(replace(reply, then=status_reply(coming[0])), state)
    if WRONG_PLACE.search(plain(u.text)):  # they have seen the photo: no need to ask again
        claim = FileClaim(d.id, "missing", description=_story(state))
        return Decision(_opened("claims.opened", d, policy), state.waiting_for(None), (claim,))
    asked = state.waiting_for("missing_confirm")
    reply = Reply(
        "claims.missing_check",
        {"delivered_at": d.delivered_at, "pod": d.pod_photo_url, "tz": d.timezone},
    )
    return Decision(reply, asked)


def answer_missing(
    state: ConversationState, u: Understanding, d: DeliveryFacts, facts: Facts, policy: Policy
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
    if answer == "no" and _reports_damage(u):
        # "got my package today but the item inside is broken": it came, and that is news
        return arrived_damaged(done, u, d, facts, policy)
    if answer == "no":
        return found(done, u, d)
    if new_request(u, own=frozenset({"report_missing_package"})):
        return None
    if acknowledges(u):  # "ok, I'll check": the question stays open
        return Decision(Reply("claims.missing_wait"), state)
    return _ask_once(state, "claims.missing_ask", "missing_confirm")


def found(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision:
    """The package turned up: glad to hear it, and a missing claim open for it is closed."""
    if open_claim_kind(state, d) != "missing":
        return Decision(Reply("claims.found"), state)
    withdraw = WithdrawClaim(d.id, "missing", customer_words=u.text)
    reply = Reply("claims.withdrawn", {"tracking": d.tracking_number})
    return Decision(reply, _forget_claim(state, d), (withdraw,))


def arrived_damaged(
    state: ConversationState, u: Understanding, d: DeliveryFacts, facts: Facts, policy: Policy
) -> Decision:
    """It turned up, but damaged: glad it came (a missing claim for it closed), then the
    damage flow, as if reported on its own."""
    arrived = found(state, u, d)
    damage = damaged(arrived.state, d, facts, policy)
    assert arrived.reply is not None
    news = {**arrived.reply.params, "damaged": True}
    reply = Reply(arrived.reply.key, news, then=damage.reply)
    return Decision(reply, damage.state, (*arrived.actions, *damage.actions))


def _reports_damage(u: Understanding) -> bool:
    """A damage report in an answer: the words of damage ("opened" only when the NLU is sure
    of one: "found it when I opened the door" is no damage; and the NLU alone is not enough:
    it reads "package was in the lobby the whole time" as damage)."""
    words = plain(u.text)
    if u.intent != "report_damaged_package" or u.confidence < SURE:
        words = re.sub(r"\bopened\b", " ", words)
    return DAMAGE.search(words) is not None


def open_claim_kind(state: ConversationState, d: DeliveryFacts) -> str | None:
    """The kind of claim open for this delivery: the record's, or one opened in this
    conversation."""
    if d.open_claim:
        return d.open_claim
    return next((kind for delivery_id, kind, _ in state.claims if delivery_id == d.id), None)


def _forget_claim(state: ConversationState, d: DeliveryFacts) -> ConversationState:
    """The state once this delivery's claim is closed: no longer one to ask about."""
    return replace(state, claims=tuple(c for c in state.claims if c[0] != d.id))


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
    if asks_about_returning(u.text):  # "do I need to send it back?": no, and the photo, please
        keep = Reply("claims.keep_damaged", {"claim": False}, then=Reply("claims.ask_photo_again"))
        return Decision(keep, state)
    answer = yes_or_no(u, SENDS_PHOTO)
    if answer == "no":
        return _file_damaged(state, d, facts, policy)
    describes = u.intent == "report_damaged_package" and u.confidence >= SURE
    if describes or DAMAGE.search(plain(u.text)):
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
    if facts.media_urls and open_claim_kind(state, d) == "damaged":
        return add_photos(state, d, facts)  # reported again, with the photo: the same claim
    claim = FileClaim(d.id, "damaged", description=_story(state), evidence_urls=facts.media_urls)
    key = "claims.opened" if facts.media_urls else "claims.opened_no_photo"
    return Decision(_opened(key, d, policy), state.waiting_for(None), (claim,))


def add_photos(state: ConversationState, d: DeliveryFacts, facts: Facts) -> Decision:
    """Photos for the damage claim already open: added to it, not a second claim."""
    added = AddClaimEvidence(d.id, "damaged", evidence_urls=facts.media_urls)
    reply = Reply(
        "claims.photos_added", {"tracking": d.tracking_number, "count": len(facts.media_urls)}
    )
    return Decision(reply, state.about(d.id).waiting_for(None), (added,))


# --- after a claim is open: the customer's news about it -------------------------------------

FOUND = "found_after_claim"  # "found it behind the planter", with a missing claim open
KEEP_DAMAGED = "damaged_item_asked"  # "do I need to send it back?", with a damage claim open
PHOTOS = "photos_for_claim"  # "yes I have pictures", or the photos, for a damage claim
NEWS = frozenset({FOUND, KEEP_DAMAGED, PHOTOS})


def news_of(u: Understanding, state: ConversationState, facts: Facts) -> str | None:
    """What the message tells about a claim open on this phone, whatever the NLU read in it
    ("ok found it lol nevermind" is nothing to it, "should I return it?" a refusal), or None."""
    # Photos alone (or with a few words) for the damage claim open; with a report naming a
    # package ("DS555 came broken too") they go with that report.
    sent_alone = not new_request(u) and not u.entities.tracking_number
    if facts.media_urls and sent_alone and _claimed(state, facts, "damaged"):
        return PHOTOS
    if says_found(u.text) and _found_now(state, facts):
        return FOUND
    if asks_about_returning(u.text) and _the_damaged(state, u, facts):
        return KEEP_DAMAGED
    d = _claimed(state, facts, "damaged")
    if (
        d
        and promises_photos(u.text)
        and state.has_told("claims.opened_no_photo", d.tracking_number)
    ):
        return PHOTOS  # the claim was opened without a photo, and we asked for one
    return None


def answer_news(
    news: str, state: ConversationState, u: Understanding, facts: Facts, policy: Policy
) -> Decision:
    """The answer to news_of's news: the claim closed, the item kept, the photos added."""
    if news == FOUND:
        d = _found_now(state, facts)
        assert d is not None
        if _reports_damage(u):  # "found it, but the box is crushed"
            return arrived_damaged(state.about(d.id), u, d, facts, policy)
        return found(state.about(d.id), u, d)
    if news == KEEP_DAMAGED:
        d = _the_damaged(state, u, facts)
        assert d is not None
        if open_claim_kind(state, d) == "damaged":
            return Decision(Reply("claims.keep_damaged", {"claim": True}), state.about(d.id))
        # Told of the damage, but no claim yet: keep it, and the claim still wants its photo.
        keep = Reply("claims.keep_damaged", {"claim": False}, then=Reply("claims.ask_photo_again"))
        return Decision(keep, state.about(d.id).waiting_for("damage_photo", tries=1))
    d = _claimed(state, facts, "damaged")
    assert d is not None
    if facts.media_urls:
        return add_photos(state, d, facts)
    return Decision(Reply("claims.send_photos", {"tracking": d.tracking_number}), state.about(d.id))


def _the_damaged(state: ConversationState, u: Understanding, facts: Facts) -> DeliveryFacts | None:
    """The damaged package "send it back" is about: the one with a damage claim, or the
    delivered one this conversation is about when the customer told of damage in it. The
    conversation is about it, or about none and no other package is still to come (that one
    could be refused); not when the message names another."""
    d = _claimed(state, facts, "damaged") or _damage_told(state, facts)
    named = u.entities.tracking_number
    if d is None or state.delivery_id not in (None, d.id) or named not in (None, d.tracking_number):
        return None
    others_delivered = all(o.status == "delivered" for o in facts.deliveries if o.id != d.id)
    return d if d.id == state.delivery_id or others_delivered else None


def _damage_told(state: ConversationState, facts: Facts) -> DeliveryFacts | None:
    """The conversation's delivered package, when the customer told of damage to it here."""
    d = facts.delivery(state.delivery_id)
    if d is None or d.status != "delivered":
        return None
    told = (text for who, text in state.transcript if who == "customer")
    return d if any(DAMAGE.search(plain(text)) for text in told) else None


def _found_now(state: ConversationState, facts: Facts) -> DeliveryFacts | None:
    """The delivery "found it" is about: the one with a missing claim open, or the one whose
    claim was just closed for it (said again, it is glad again rather than not understood)."""
    d = facts.delivery(state.delivery_id)
    if d is not None and state.has_told("claims.withdrawn", d.tracking_number):
        return d
    return _claimed(state, facts, "missing")


def _claimed(state: ConversationState, facts: Facts, kind: str) -> DeliveryFacts | None:
    """The delivery with a claim of this kind open: the conversation's, or the phone's only one
    (with several, none is guessed)."""
    open_ones = [d for d, claimed, _ in on_record(state, facts) if claimed == kind]
    ours = [d for d in open_ones if d.id == state.delivery_id]
    return (ours or open_ones)[0] if len(ours or open_ones) == 1 else None


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
