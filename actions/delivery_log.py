"""Move a delivery through its event log (data.ingest.apply), the one way it changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.apply import record_event
from data.models import Delivery

SOURCE = "sms"  # the state machine treats it as the customer speaking


class ActionRefused(Exception):
    """The state machine refused the change (e.g. a rebook after too many failed attempts)."""


async def record(
    session: AsyncSession,
    *,
    delivery: Delivery,
    type: str,
    occurred_at: datetime,
    source_event_id: str,
    max_customer_rebooks: int,
    reason_code: str | None = None,
    payload: dict[str, Any] | None = None,
    **changes: Any,
) -> None:
    """Append the event and fold it into the delivery; ActionRefused if it isn't allowed."""
    event = await record_event(
        session,
        delivery=delivery,
        type=type,
        occurred_at=occurred_at,
        source=SOURCE,
        source_event_id=source_event_id,
        reason_code=reason_code,
        payload=payload,
        max_customer_rebooks=max_customer_rebooks,
        **changes,
    )
    if not event.applied:
        raise ActionRefused(event.rejected_reason or f"{type} refused")
