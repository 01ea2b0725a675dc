"""Conversations on record: each phone's thread of messages, as dispatch would read it.

The turn's state lives in Redis (flows/model.py's ConversationState, with a TTL); the store keeps
the thread itself: which messages belong together, which delivery it came to be about, and
whether a person has it. A phone's conversation stays current while it is not closed and its last
message is newer than the idle time; the next message after that starts a new one and closes
the old.

An opted-out number gets no reply (we may not text it until it sends START), so its messages are
kept in a closed thread: on record, but not a conversation waiting for anyone to answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from data.models import Contact, Conversation
from data.types import Channel

OPEN = "open"
HANDED_OFF = "handed_off"
CLOSED = "closed"


async def current_conversation(
    session: AsyncSession, *, phone: str, now: datetime, idle: timedelta
) -> Conversation:
    """The phone's current SMS conversation, or a new one (the stale ones closed).

    For an opted-out phone: its last conversation (closed at STOP), or a new closed one.
    """
    if await session.scalar(select(Contact.opted_out).where(Contact.phone == phone)):
        return await _closed_thread(session, phone=phone, now=now)
    latest = await session.scalar(
        select(Conversation)
        .where(*_not_closed(phone))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is not None and latest.last_message_at and latest.last_message_at > now - idle:
        latest.last_message_at = max(latest.last_message_at, now)
        return latest
    await close_conversations(session, phone=phone)
    conversation = Conversation(channel=Channel.SMS, phone=phone, status=OPEN, last_message_at=now)
    session.add(conversation)
    await session.flush()
    return conversation


async def _closed_thread(session: AsyncSession, *, phone: str, now: datetime) -> Conversation:
    """Where an opted-out phone's messages are kept: nobody is expected to answer them."""
    await close_conversations(session, phone=phone)  # opted out at the carrier: none stay open
    last = await session.scalar(
        select(Conversation)
        .where(Conversation.channel == Channel.SMS, Conversation.phone == phone)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
    )
    if last is None:
        last = Conversation(channel=Channel.SMS, phone=phone, status=CLOSED)
        session.add(last)
    last.last_message_at = max(last.last_message_at or now, now)
    await session.flush()
    return last


async def close_conversations(session: AsyncSession, *, phone: str) -> None:
    """The phone's conversations are over (gone idle, or the customer opted out)."""
    await session.execute(update(Conversation).where(*_not_closed(phone)).values(status=CLOSED))


def _not_closed(phone: str) -> tuple:
    return (
        Conversation.channel == Channel.SMS,
        Conversation.phone == phone,
        Conversation.status != CLOSED,
    )


async def after_turn(
    session: AsyncSession, conversation_id: int, *, delivery_id: int | None, handed_off: bool
) -> None:
    """What the turn taught the thread: the delivery it is about, and whether a person has it
    now (a thread handed off stays so until it closes). Its last message time was set when the
    message was recorded in it."""
    values: dict = {}
    if delivery_id is not None:
        values["delivery_id"] = delivery_id
    if handed_off:
        values["status"] = HANDED_OFF
    if values:
        await session.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(**values)
        )
