"""Messages in and out, all written down; outbound rows not sent as TwiML are the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from data.models import Message
from data.types import Channel, Direction, MessageStatus


async def record_inbound(
    session: AsyncSession,
    *,
    phone: str,
    body: str,
    media_urls: list[str],
    message_sid: str,
) -> Message:
    """The inbound SMS as received. A repeated MessageSid fails here (unique constraint)."""
    message = Message(
        channel=Channel.SMS,
        direction=Direction.INBOUND,
        phone=phone,
        body=body,
        media_urls=media_urls,
        status=MessageStatus.RECEIVED,
        provider_id=message_sid,
    )
    session.add(message)
    await session.flush()
    return message


def record_reply(
    session: AsyncSession,
    *,
    phone: str,
    body: str,
    template: str,
    delivery_id: int | None,
    conversation_id: int | None = None,
) -> Message:
    """The reply Twilio sends from our TwiML answer."""
    return _outbound(
        session,
        phone=phone,
        body=body,
        template=template,
        delivery_id=delivery_id,
        conversation_id=conversation_id,
        status=MessageStatus.QUEUED,
    )


def queue_message(
    session: AsyncSession,
    *,
    phone: str,
    body: str,
    template: str,
    delivery_id: int | None,
    now: datetime,
    conversation_id: int | None = None,
) -> Message:
    """An SMS for the outbox sender (status pending), sent after this transaction commits."""
    return _outbound(
        session,
        phone=phone,
        body=body,
        template=template,
        delivery_id=delivery_id,
        conversation_id=conversation_id,
        status=MessageStatus.PENDING,
        next_attempt_at=now,
    )


def _outbound(session: AsyncSession, **columns: object) -> Message:
    message = Message(channel=Channel.SMS, direction=Direction.OUTBOUND, **columns)
    session.add(message)
    return message
