"""Open an exception for dispatch: an owner-less case with a clock, and its event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from data.models import DeliveryException
from data.outbox import add_event


async def open_exception(
    session: AsyncSession,
    *,
    delivery_id: int | None,
    type: str,
    reason_code: str,
    summary: str,
    phone: str,
    transcript: tuple[tuple[str, str], ...] | list,
    now: datetime,
    conversation_id: int | None = None,
    extra: dict | None = None,
) -> DeliveryException:
    """The transcript and summary come redacted (no access codes): dispatch sees them, and the
    conversation the case came from when there is one."""
    case = DeliveryException(
        delivery_id=delivery_id,
        type=type,
        reason_code=reason_code,
        summary=summary,
        source="sms",
        opened_at=now,
        details={
            "phone": phone,
            "transcript": [{"from": who, "text": text} for who, text in transcript],
            **({"conversation_id": conversation_id} if conversation_id else {}),
            **(extra or {}),
        },
    )
    session.add(case)
    await session.flush()
    add_event(
        session,
        "exception.opened",
        {
            "exception_id": case.id,
            "delivery_id": delivery_id,
            "type": type,
            "reason_code": reason_code,
            "summary": summary,
            "source": "sms",
        },
        key=str(delivery_id) if delivery_id else None,
    )
    return case
