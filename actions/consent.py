"""The consent ledger: opt-outs and opt-ins, each one an event that is never overwritten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.lookup import contact_for
from data.models import ConsentEvent, Contact, Message
from data.outbox import add_event


def opt_out(
    session: AsyncSession,
    contact: Contact,
    *,
    source: str,
    keyword: str | None,
    message_id: int | None,
    now: datetime,
) -> None:
    contact.opted_out, contact.opted_out_at, contact.opt_out_source = True, now, source
    _ledger(
        session, contact, "opt_out", source=source, keyword=keyword, message_id=message_id, now=now
    )


def opt_in(
    session: AsyncSession,
    contact: Contact,
    *,
    source: str,
    keyword: str | None,
    message_id: int | None,
    now: datetime,
) -> None:
    contact.opted_out, contact.opted_out_at, contact.opt_out_source = False, None, None
    _ledger(
        session, contact, "opt_in", source=source, keyword=keyword, message_id=message_id, now=now
    )


def _ledger(
    session: AsyncSession,
    contact: Contact,
    action: str,
    *,
    source: str,
    keyword: str | None,
    message_id: int | None,
    now: datetime,
) -> None:
    session.add(
        ConsentEvent(
            contact_id=contact.id,
            action=action,
            source=source,
            keyword=keyword,
            message_id=message_id,
            occurred_at=now,
        )
    )
    add_event(
        session,
        f"consent.{action}",
        {"contact_id": contact.id, "source": source},
        key=str(contact.id),
    )


TWILIO_UNSUBSCRIBED = "21610"  # Twilio: "Attempt to send to unsubscribed recipient"


async def mirror_carrier_opt_out(session: AsyncSession, message: Message, *, now: datetime) -> None:
    """Twilio refused `message` with 21610: the number opted out at the carrier; record it once."""
    if not message.phone:
        return
    contact = await contact_for(session, message.phone)
    if not contact.opted_out:
        opt_out(
            session,
            contact,
            source="twilio_21610",
            keyword=None,
            message_id=message.id,
            now=now,
        )


async def mirror_dms_opt_out(
    session: AsyncSession, phone: str, *, source: str, keyword: str | None, at: datetime
) -> bool:
    """A delivery system's SMS was told to stop by `phone` at `at`: record the opt-out once.

    False when the contact is opted out already, or opted in again since `at` (a retried old
    webhook must not undo a START sent to us later)."""
    contact = await contact_for(session, phone)
    if contact.opted_out:
        return False
    opted_in_since = await session.scalar(
        select(ConsentEvent.id)
        .where(
            ConsentEvent.contact_id == contact.id,
            ConsentEvent.action == "opt_in",
            ConsentEvent.occurred_at >= at,
        )
        .limit(1)
    )
    if opted_in_since is not None:
        return False
    opt_out(session, contact, source=source, keyword=keyword, message_id=None, now=at)
    return True
