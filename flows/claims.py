"""Missing (marked delivered, not there) and damaged packages: evidence first, then a claim."""

from __future__ import annotations

from flows.model import ConversationState, Decision, DeliveryFacts, Facts, FileClaim, Reply
from flows.status import status_reply
from nlu.understanding import Understanding


def missing(state: ConversationState, d: DeliveryFacts) -> Decision:
    if d.status != "delivered":
        return Decision(status_reply(d), state)
    asked = state.waiting_for("missing_confirm")
    reply = Reply(
        "claims.missing_check",
        {"delivered_at": d.delivered_at, "pod": d.pod_photo_url, "tz": d.timezone},
    )
    return Decision(reply, asked)


def answer_missing(state: ConversationState, u: Understanding, d: DeliveryFacts) -> Decision | None:
    done = state.waiting_for(None)
    if u.intent in ("affirm", "report_missing_package"):
        claim = FileClaim(d.id, "missing", description=_story(state))
        return Decision(Reply("claims.opened", {"tracking": d.tracking_number}), done, (claim,))
    if u.intent in ("deny", "thank_you"):
        return Decision(Reply("claims.found"), done)
    return None


def damaged(state: ConversationState, d: DeliveryFacts, facts: Facts) -> Decision:
    if facts.media_urls:
        return _file_damaged(state, d, facts)
    return Decision(Reply("claims.ask_photo"), state.waiting_for("damage_photo", tries=0))


def answer_damaged(
    state: ConversationState, u: Understanding, d: DeliveryFacts, facts: Facts
) -> Decision | None:
    if facts.media_urls:
        return _file_damaged(state, d, facts)
    tries = int((state.pending or {}).get("tries", 0)) + 1
    if u.intent == "deny" or tries >= 2:
        # No photo: the claim is still opened, waiting for evidence.
        return _file_damaged(state, d, facts)
    return Decision(Reply("claims.ask_photo"), state.waiting_for("damage_photo", tries=tries))


def _file_damaged(state: ConversationState, d: DeliveryFacts, facts: Facts) -> Decision:
    claim = FileClaim(d.id, "damaged", description=_story(state), evidence_urls=facts.media_urls)
    key = "claims.opened" if facts.media_urls else "claims.opened_no_photo"
    return Decision(Reply(key, {"tracking": d.tracking_number}), state.waiting_for(None), (claim,))


def _story(state: ConversationState) -> str:
    return "\n".join(text for who, text in state.transcript if who == "customer")
