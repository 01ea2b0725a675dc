"""Twilio webhooks: the customer's SMS in, the reply out as TwiML; delivery status callbacks.

One inbound SMS: verify the signature -> drop a repeated MessageSid -> record the message ->
carrier keywords -> the NLU reads it (nlu/client.py) -> flows/conversation.py decides ->
actions/apply.py applies the changes in one transaction -> the reply, as TwiML.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from starlette.responses import PlainTextResponse, Response

from actions import lookup
from actions.apply import apply_actions
from actions.changes import Turn
from actions.consent import opt_in, opt_out
from actions.conversations import after_turn, close_conversations, current_conversation
from actions.delivery_log import ActionRefused
from actions.exceptions import open_exception
from actions.messages import record_inbound, record_reply
from bot.metrics import CASES_OPENED, INBOUND_MESSAGES, SMS_TURNS
from bot.services import Services
from bot.sms.keywords import Keyword, keyword_of
from bot.sms.signature import is_signed_by_twilio
from bot.sms.status import record_status
from bot.sms.templates import default_templates
from bot.sms.twiml import twiml
from data.db import transaction
from data.models import Contact, Message
from data.phones import InvalidPhoneNumber, mask_phone, to_e164
from flows import handoff, instructions
from flows.conversation import decide
from flows.model import (
    ConversationState,
    Decision,
    DeliveryFacts,
    Facts,
    FileClaim,
    OpenException,
    Reply,
    VerificationFailed,
)
from flows.policy import Policy
from nlu.understanding import NluUnavailable, Understanding

router = APIRouter()
log = logging.getLogger("doorstep.sms")
MAX_MEDIA = 10
_background: set[asyncio.Task] = set()


@dataclass
class Inbound:
    sid: str
    phone: str
    body: str
    media_urls: list[str]
    now: datetime
    message_id: int | None = None  # set once the message is recorded
    conversation_id: int | None = None  # the thread it was recorded in
    template: str | None = field(default=None)


@router.post("/twilio/sms")
async def inbound_sms(request: Request) -> Response:
    services = services_of(request)
    settings = services.settings
    form = await request.form()
    if not is_signed_by_twilio(settings, request, form):
        return PlainTextResponse("invalid or missing X-Twilio-Signature", status_code=403)
    sid = str(form.get("MessageSid") or "")
    try:
        phone = to_e164(str(form.get("From") or ""))
    except InvalidPhoneNumber:
        return PlainTextResponse("From is not a phone number", status_code=400)
    if not sid:
        return PlainTextResponse("MessageSid is missing", status_code=400)
    INBOUND_MESSAGES.labels(channel="sms").inc()
    # A repeated MessageSid is caught by the store's unique key when the message is recorded
    # (not by a Redis claim first: a crash between claim and record would lose the retry).
    inbound = Inbound(sid, phone, str(form.get("Body") or ""), _media(form), _now(request))
    try:
        async with asyncio.timeout(settings.sms_reply_deadline_seconds):
            text = await converse(services, inbound)
    except TimeoutError:
        log.warning("sms reply deadline passed; kept for a person", extra={"sid": sid})
        text = _keep_for_person(services, inbound, reason="reply_deadline")
    except Exception:
        log.exception("sms turn failed; kept for a person (%s)", mask_phone(phone))
        text = _keep_for_person(services, inbound, reason="error")
    return twiml(text)


@router.post("/twilio/status")
async def status_callback(request: Request) -> Response:
    services = services_of(request)
    form = await request.form()
    if not is_signed_by_twilio(services.settings, request, form):
        return PlainTextResponse("invalid or missing X-Twilio-Signature", status_code=403)
    await record_status(services, form, now=datetime.now(UTC))
    return Response(status_code=204)


async def converse(services: Services, inbound: Inbound) -> str | None:
    """One turn, from the recorded message to the reply text (None: no reply)."""
    settings, policy = services.settings, Policy.from_settings(services.settings)
    templates = default_templates(settings)
    session_key = f"sms:{inbound.phone}"
    state = ConversationState.from_json(await services.redis.get_session(session_key))
    # Rasa reads the text while the message is recorded: the two waits overlap.
    parsing = asyncio.create_task(_parse(services, inbound, settings.operator_timezone))
    answer: str | None = None
    try:
        async with transaction(services.sessions) as session:
            contact = await lookup.contact_for(session, inbound.phone)
            message = await _record(session, inbound, settings)
            keyword = keyword_of(inbound.body, opted_out=contact.opted_out)
            if keyword is not None:
                answer = await _answer_keyword(
                    session, contact, message, keyword, contact.language or "en", inbound, templates
                )
            opted_out, known_language = contact.opted_out, contact.language
            deliveries = None
            if keyword is None and not opted_out:
                deliveries = await lookup.deliveries_for(
                    session,
                    phone=inbound.phone,
                    verified_ids=state.verified_ids,
                    now=inbound.now,
                    policy=policy,
                )
            recipient_tz = _recipient_timezone(deliveries or [], contact.timezone)
    except IntegrityError:
        parsing.cancel()
        return None  # the same MessageSid, recorded before (Redis had forgotten it)
    except BaseException:
        parsing.cancel()
        raise
    inbound.message_id = message.id  # committed: from here on the message is on record
    inbound.conversation_id = message.conversation_id
    if keyword is not None or opted_out or deliveries is None:
        parsing.cancel()
        if keyword is not None:
            SMS_TURNS.labels(intent="keyword", handed_off="no").inc()
        return answer  # a keyword's answer; an opted-out number gets no reply

    understanding = await parsing
    tz = recipient_tz or settings.operator_timezone
    if understanding is not None and tz != settings.operator_timezone and _dated(understanding):
        # Relative dates ("tomorrow", "monday") are the recipient's, in their time zone.
        understanding = await _parse(services, inbound, tz)
    facts = await _facts(services, state, understanding, inbound, policy, deliveries)
    if understanding is None:
        heard = state.heard("customer", inbound.body)
        decision = handoff.to_person(
            heard,
            facts.delivery(state.delivery_id),
            policy,
            why="nlu_unavailable",
            on_phone=facts.deliveries,
        )
    else:
        decision = decide(state, understanding, facts, inbound.now, policy)
    language = decision.state.language
    text = templates.render(decision.reply, language) if decision.reply else None
    operator_tz = settings.operator_timezone  # routes and service days are the operator's
    turn = Turn(
        inbound.phone,
        inbound.now,
        inbound.sid,
        operator_tz,
        settings.max_auto_rebooks,
        conversation_id=inbound.conversation_id,
    )
    relearn = language if language != known_language else None
    try:
        await _commit(services, turn, inbound, decision, understanding, text, relearn)
    except ActionRefused as refused:
        log.info("action refused by the state machine: %s", refused)
        decision = handoff.to_person(
            decision.state, facts.delivery(decision.state.delivery_id), policy, why="change_refused"
        )
        text = templates.render(decision.reply, language)
        await _commit(services, turn, inbound, decision, understanding, text, relearn)
    _count(decision, understanding)
    if any(isinstance(a, VerificationFailed) for a in decision.actions):
        await services.redis.incr(
            f"verify-fail:{inbound.phone}", ttl_seconds=settings.verification_lockout_minutes * 60
        )
    final = decision.state.heard("assistant", text) if text else decision.state
    await services.redis.set_session(
        session_key, final.to_json(), ttl_seconds=settings.conversation_ttl_seconds
    )
    return text


def _count(decision: Decision, understanding: Understanding | None) -> None:
    """The turn and the cases it opened, once they are committed."""
    handed_off = handoff.hands_off(decision)
    intent = understanding.intent if understanding is not None else "nlu_unavailable"
    SMS_TURNS.labels(intent=intent, handed_off="yes" if handed_off else "no").inc()
    for action in decision.actions:
        if isinstance(action, OpenException):
            CASES_OPENED.labels(type=action.type, reason=action.reason_code).inc()
        elif isinstance(action, FileClaim):
            CASES_OPENED.labels(type="claim", reason=action.kind).inc()


async def _parse(services: Services, inbound: Inbound, tz: str) -> Understanding | None:
    try:
        return await services.nlu.parse(inbound.body, audience="customer", now=inbound.now, tz=tz)
    except NluUnavailable as exc:
        log.warning("NLU unavailable: %s", exc)
        return None


def _dated(u: Understanding) -> bool:
    return bool(u.entities.date or u.entities.after or u.entities.before)


def _recipient_timezone(deliveries: list[DeliveryFacts], own: str | None) -> str | None:
    """The recipient's time zone: their current delivery's, else the one on the contact."""
    return next((d.timezone for d in reversed(deliveries) if d.timezone), None) or own


def _may_book_a_day(u: Understanding | None, pending: dict) -> bool:
    """Whether this turn may offer or book a day, so needs the load booked on each day to offer
    only days with room: a rebook or an answer in one, or an address change that names a day
    ("it's apt 4B, bring it friday": conversation.py books the day after the address), asked
    now or kept in a question to be replayed once it is answered."""
    if str(pending.get("kind", "")).startswith("rebook"):
        return True
    asked = []
    if u is not None:
        asked.append((u.intent, u.entities.date is not None, bool(u.entities.address)))
    resume = pending.get("resume") or {}
    if resume:
        kept = resume.get("entities") or {}
        asked.append((resume.get("intent"), bool(kept.get("date")), bool(kept.get("address"))))
    return any(
        intent == "reschedule_delivery" or (dated and (intent == "change_address" or address))
        for intent, dated, address in asked
    )


async def _facts(services, state, understanding, inbound, policy, deliveries) -> Facts:  # noqa: ANN001
    """What the flow may know: this phone's deliveries; a looked-up one only while verifying.

    Only a tracking number not on this phone or a turn that may book a day needs more than the
    first read.
    """
    settings = services.settings
    tracking = understanding.entities.tracking_number if understanding else None
    pending = state.pending or {}
    if pending.get("kind") == "verify" and not tracking:
        tracking = pending.get("tracking")
    wants_windows = _may_book_a_day(understanding, pending)
    looks_up = bool(tracking) and all(d.tracking_number != tracking for d in deliveries)
    locked, looked_up, unknown, load = False, None, None, Facts(text="").load
    if looks_up:
        failures = await services.redis.get_count(f"verify-fail:{inbound.phone}")
        locked = failures >= settings.verification_max_failures
    if (looks_up and not locked) or wants_windows:
        async with services.sessions() as session:
            if looks_up and not locked:
                looked_up = await lookup.by_tracking(
                    session, tracking, now=inbound.now, policy=policy
                )
                unknown = tracking if looked_up is None else None
            if wants_windows:
                load = await lookup.booked_load(session, now=inbound.now, policy=policy)
    return Facts(
        text=inbound.body,
        deliveries=tuple(deliveries),
        looked_up=looked_up,
        unknown_tracking=unknown,
        locked_out=locked,
        media_urls=tuple(inbound.media_urls),
        load=load,
    )


async def _commit(
    services: Services,
    turn: Turn,
    inbound: Inbound,
    decision: Decision,
    understanding: Understanding | None,
    text: str | None,
    language: str | None,
) -> None:
    """The decision's changes, the reply and what we learnt about the message: one transaction."""
    async with transaction(services.sessions) as session:
        await apply_actions(session, turn, decision.actions, transcript=decision.state.transcript)
        await after_turn(
            session,
            inbound.conversation_id,
            delivery_id=decision.state.delivery_id,
            handed_off=handoff.hands_off(decision),
        )
        if understanding is not None:
            learnt = {
                "intent": understanding.intent,
                "confidence": understanding.confidence,
                "delivery_id": decision.state.delivery_id,
            }
            if understanding.entities.access_code:
                # The code lives on the delivery only, never in the message log.
                learnt["body"] = instructions.redact(
                    inbound.body, understanding.entities.access_code
                )
            await session.execute(
                update(Message).where(Message.id == inbound.message_id).values(**learnt)
            )
        if language is not None:
            await session.execute(
                update(Contact).where(Contact.phone == turn.phone).values(language=language)
            )
        if text and decision.reply:
            record_reply(
                session,
                phone=turn.phone,
                body=text,
                template=decision.reply.key,
                delivery_id=decision.state.delivery_id,
                conversation_id=inbound.conversation_id,
            )


async def _record(session, inbound: Inbound, settings) -> Message:  # noqa: ANN001
    """The inbound message on record, in the phone's current conversation."""
    message = await record_inbound(
        session,
        phone=inbound.phone,
        body=inbound.body,
        media_urls=inbound.media_urls,
        message_sid=inbound.sid,
    )
    conversation = await current_conversation(
        session,
        phone=inbound.phone,
        now=inbound.now,
        idle=timedelta(seconds=settings.conversation_ttl_seconds),
    )
    message.conversation_id = conversation.id
    return message


async def _answer_keyword(session, contact, message, keyword, language, inbound, templates):  # noqa: ANN001, ANN202
    kind, word = keyword
    if kind is Keyword.OPT_OUT:
        opt_out(
            session, contact, source="keyword", keyword=word, message_id=message.id, now=inbound.now
        )
        reply = Reply("keyword.opt_out")
    elif kind is Keyword.OPT_IN:
        opt_in(
            session, contact, source="keyword", keyword=word, message_id=message.id, now=inbound.now
        )
        reply = Reply("keyword.opt_in")
    else:
        reply = Reply("keyword.help")
    text = templates.render(reply, language)
    record_reply(
        session,
        phone=inbound.phone,
        body=text,
        template=reply.key,
        delivery_id=None,
        conversation_id=message.conversation_id,
    )
    if kind is Keyword.OPT_OUT:  # the thread ends with the confirmation
        await session.flush()
        await close_conversations(session, phone=inbound.phone)
    return text


def _keep_for_person(services: Services, inbound: Inbound, *, reason: str) -> str:
    """Answer now; record the message (if not yet) and open a case for a person, in the back."""
    task = asyncio.create_task(_open_case_for(services, replace(inbound), reason))
    _background.add(task)
    task.add_done_callback(_background.discard)
    return default_templates(services.settings).render(Reply("fallback.busy"), "en")


async def _open_case_for(services: Services, inbound: Inbound, reason: str) -> None:
    try:
        async with transaction(services.sessions) as session:
            # The deadline may have cut in around the commit: the message may be on record.
            message = await session.scalar(
                select(Message).where(Message.provider_id == inbound.sid)
            ) or await _record(session, inbound, services.settings)
            inbound.message_id, inbound.conversation_id = message.id, message.conversation_id
            await after_turn(session, inbound.conversation_id, delivery_id=None, handed_off=True)
            await open_exception(
                session,
                delivery_id=None,
                type=handoff.CASE_TYPE,
                reason_code=reason,
                summary="Customer SMS not answered automatically "
                f"({reason.replace('_', ' ')}); please reply",
                phone=inbound.phone,
                transcript=[("customer", inbound.body)],
                now=inbound.now,
                conversation_id=inbound.conversation_id,
                extra={"message_id": inbound.message_id},
            )
        SMS_TURNS.labels(intent=reason, handed_off="yes").inc()
        CASES_OPENED.labels(type=handoff.CASE_TYPE, reason=reason).inc()
    except Exception:
        log.exception("could not keep the SMS for a person (%s)", mask_phone(inbound.phone))


def _media(form) -> list[str]:  # noqa: ANN001
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    return [str(form[f"MediaUrl{i}"]) for i in range(count) if form.get(f"MediaUrl{i}")]


def _now(request: Request) -> datetime:
    """The clock; dev and test runs may set it (X-Doorstep-Now) when ALLOW_CLOCK_OVERRIDE is on."""
    override = request.headers.get("X-Doorstep-Now")
    if override and services_of(request).settings.allow_clock_override:
        try:
            value = datetime.fromisoformat(override)
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


def services_of(request: Request) -> Services:
    # bot.app includes this router, so its helper can't be imported here (a cycle).
    return request.app.state.services
