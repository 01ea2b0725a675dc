"""Twilio status callbacks: (MessageSid, MessageStatus) once each; status only moves forward."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from starlette.datastructures import FormData

from actions.consent import TWILIO_UNSUBSCRIBED, mirror_carrier_opt_out
from bot.metrics import OUTBOUND_MESSAGES
from bot.services import Services
from data.db import transaction
from data.models import Message
from data.outbox import add_event
from data.types import Channel, MessageStatus

log = logging.getLogger("doorstep.sms")
# How far along a message is; a late "sent" after "delivered" changes nothing.
RANK = {
    MessageStatus.PENDING: 0,
    MessageStatus.QUEUED: 1,
    MessageStatus.SENDING: 2,
    MessageStatus.SENT: 3,
    MessageStatus.UNDELIVERED: 4,
    MessageStatus.FAILED: 4,
    MessageStatus.DELIVERED: 5,
}
TWILIO_TO_OURS = {
    "accepted": MessageStatus.QUEUED,
    "scheduled": MessageStatus.QUEUED,
    "queued": MessageStatus.QUEUED,
    "sending": MessageStatus.SENDING,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
}
# Where a message ends: counted in doorstep_outbound_messages_total when first reached.
FINAL = frozenset({MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED})


async def record_status(services: Services, form: FormData, *, now: datetime) -> None:
    sid = str(form.get("MessageSid") or "")
    twilio_status = str(form.get("MessageStatus") or "").lower()
    status = TWILIO_TO_OURS.get(twilio_status)
    if not sid or status is None:
        return
    # Idempotent by itself: a status only moves forward, so a repeat changes nothing.
    error = str(form.get("ErrorCode") or "") or None
    async with transaction(services.sessions) as session:
        message = await session.scalar(
            select(Message).where(Message.channel == Channel.SMS, Message.provider_id == sid)
        )
        if message is None:
            log.info("status for a message we don't know: %s %s", sid, twilio_status)
            return
        if RANK.get(status, 0) > RANK.get(message.status, 0):
            message.status = status
            message.error_code = error or message.error_code
            if status in FINAL:
                OUTBOUND_MESSAGES.labels(status=status).inc()
            if status in (MessageStatus.FAILED, MessageStatus.UNDELIVERED):
                add_event(
                    session,
                    "sms.failed",
                    {"message_id": message.id, "error_code": error, "status": status},
                    key=str(message.delivery_id) if message.delivery_id else None,
                )
        if error == TWILIO_UNSUBSCRIBED:
            await mirror_carrier_opt_out(session, message, now=now)
