""" "What are my options?" right after a setback: the choices that fit that delivery.

A failed attempt's next steps (status.NEXT_STEP_AFTER) and "it may not make it before you
close" (status.before_deadline) each leave the customer a choice to make. Asked then what they
can do, they get the choices that fit that delivery, each with the word to reply, instead of
the general help menu, which knows nothing of their package. Asked without such a setback just
told, the general help stays (smalltalk.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from flows.answers import plain
from flows.handoff import PACKAGE_LOST_OR_DAMAGED
from flows.hold import HOLDABLE
from flows.model import ConversationState, Decision, DeliveryFacts, Facts, Reply
from flows.policy import Policy
from flows.status import NEXT_STEP_AFTER, due_today

ASKS_FOR_OPTIONS = "ask_options"  # the intent such a question gets, in context
_OPTIONS = "status.options"
# The answers that leave a failed delivery's customer a choice ("Reply RESCHEDULE ...").
_AFTER_A_FAILED_ATTEMPT = frozenset(
    {
        *NEXT_STEP_AFTER.values(),
        "status.failed_attempt",
        "status.failed_address_again",
        "status.address_fixed",
        _OPTIONS,
    }
)
# "Sorry, no" and "it may not" to "we close at 2, will it make it?" ("yes" leaves no choice).
_AFTER_A_DEADLINE_MISSED = frozenset({"status.after_closing", "status.may_miss_closing", _OPTIONS})
# Why it failed says what else would help: a code to get in, a place to leave it.
_A_CODE_WOULD_DO = frozenset({"no_access"})
_A_PLACE_WOULD_DO = frozenset({"no_access", "no_safe_location", "recipient_unavailable"})
# A refused package goes back unless that was a mistake: a new time, not a pickup.
_NO_PICKUP = frozenset({"refused"})

# "what are my options?", "so what now", "what can I do?", "is there anything I can do?",
# "¿qué opciones tengo?", "¿y ahora qué hago?", "¿qué me recomienda?" (on the plain text: no
# accents, no apostrophes). "option 2" is a pick, not this question.
_WHAT_TO_DO = re.compile(
    r"\b(?:options?|choices?|alternatives?|opcion(?:es)?|alternativas?)\b(?!\s*#?\d)|"
    r"\bwhat (?:else )?(?:can|could|should|shall|do|must|would) (?:i|we|you)(?: \w+)? do\b|"
    r"\bwhat (?:else )?can be done\b|"
    r"\bwhat (?:am i|are we) (?:supposed|meant) to do\b|"
    r"\bwhat (?:do|would|can) you (?:suggest|recommend|advise|offer)\b|"
    r"\b(?:what now|now what|what next|whats next|what then|then what|what happens (?:now|next)|"
    r"next steps?)\b|"
    r"\b(?:anything|something) (?:else )?(?:i|we|you) can do\b|\bcan (?:you|i|we) do anything\b|"
    r"\bhow (?:can|do|could) (?:i|we|you) (?:fix|solve|sort out|sort|resolve|handle) "
    r"(?:this|that|it)\b|"
    r"\bque (?:(?:puedo|podemos|puede|pueden|debo|debemos|tengo que|tenemos que) hacer|hago|"
    r"hacemos|me (?:recomienda|sugiere|aconseja)\w*|recomienda\w*|sugiere\w*|aconseja\w*)\b|"
    r"\b(?:y )?ahora que\b|\bque sigue\b|\by (?:entonces|luego|despues) que\b|"
    # "and now?", "y ahora?": all the message says
    r"^\W*(?:(?:ok|okay|so|and|well|y|entonces|bueno|pues)\W+)*(?:now|ahora)\W*$|"
    r"\b(?:algo|nada) que (?:pueda|podamos|puedan|pueden|puedo) hacer\b|"
    r"\bpueden hacer algo\b|\bcomo lo (?:soluciono|arreglo|resuelvo|solucionamos|arreglamos)\b"
)
# A message that names the choice it wants ("what can I do, can you bring it tomorrow?") is
# that request, read by the NLU as usual, not a question about the choices.
_NAMES_A_CHOICE = re.compile(
    r"\b(?:reschedul\w*|rebook\w*|another (?:day|time)|tomorrow|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|hold|pick(?:ing)? (?:it )?up|pickup|depot|address|code|"
    r"leave it|moved|move it|cancel\w*|return\w*|refund\w*|send it back|reprogram\w*|cambiar|"
    r"recoger|manana|lunes|martes|miercoles|jueves|viernes|sabado|domingo|direccion|codigo|clave|"
    r"dejarlo|devolver\w*|me mude|nos mudamos)\b"
)


def asks_for_options(text: str) -> bool:
    """A question what the customer can do, that names no choice of its own."""
    words = plain(text)
    return _WHAT_TO_DO.search(words) is not None and _NAMES_A_CHOICE.search(words) is None


def setback_just_told(
    state: ConversationState, facts: Facts, now: datetime
) -> DeliveryFacts | None:
    """The delivery whose setback was the last thing we told about it (a failed attempt, a
    closing time it may miss), while that is still so; None otherwise."""
    d = facts.delivery(state.delivery_id)
    if d is None or not state.told:
        return None
    # A question of ours since (the windows of a rebook, say) is answered first; "reply with the
    # full address" is the failed attempt's own question, which the options repeat.
    if (state.pending or {}).get("kind") not in (None, "address"):
        return None
    key, _, tracking = state.told[-1].partition(":")
    if tracking != d.tracking_number:
        return None
    if d.status == "failed_attempt" and key in _AFTER_A_FAILED_ATTEMPT:
        return d
    if key in _AFTER_A_DEADLINE_MISSED and due_today(d, now):
        return d
    return None


def options(state: ConversationState, d: DeliveryFacts, policy: Policy) -> Decision:
    """The choices that fit this delivery's setback, each with the word to reply."""
    steps = _steps(d, policy)
    params = {
        "tracking": d.tracking_number,
        "steps": steps,
        "depot": policy.depot_address,
        "has_code": d.has_access_code,
    }
    # The full address may be the next message on its own ("12 Hudson St apt 4B 07030").
    asked = state.waiting_for("address") if "address" in steps else state.waiting_for(None)
    return Decision(Reply(_OPTIONS, params), asked)


def _steps(d: DeliveryFacts, policy: Policy) -> tuple[str, ...]:
    """What can be done, in the order offered; a person is always the last."""
    can_hold = bool(policy.depot_address) and d.status in HOLDABLE
    # Where to leave it is asked for until they have told us (to change it, they just say so).
    place = [] if d.has_instructions else ["place"]
    if d.status != "failed_attempt":  # due today, after the time they said
        steps = [*place, "reschedule", *(["hold"] if can_hold else [])]
        return (*steps, "driver")
    reason = d.failure_reason or ""
    if reason in PACKAGE_LOST_OR_DAMAGED:  # nothing left to deliver: a person sorts it out
        return ("replacement",)
    address_missing = reason == "address_incorrect_or_incomplete" and not d.address_corrected
    steps = []
    if address_missing:
        steps.append("address")
    if reason in _A_CODE_WOULD_DO:
        steps.append("code")
    if reason in _A_PLACE_WOULD_DO:
        steps.extend(place)
    # After max_auto_rebooks failed attempts a person decides the next one, not a reply.
    if not address_missing and d.attempt_count < policy.max_auto_rebooks:
        steps.append("reschedule")
    if can_hold and reason not in _NO_PICKUP:
        steps.append("hold")
    return (*steps, "person")
