"""The consent ledger: opt-outs and opt-ins, each one an event that is never overwritten."""

from __future__ import annotations

from datetime import datetime

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
