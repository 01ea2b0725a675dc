"""Move a delivery through its event log, the one way its status and fields change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from data.models import Delivery, DeliveryEvent

SOURCE = "sms"


class ActionRefused(Exception):
    """The state machine refused the change (e.g. a rebook after too many failed attempts)."""


async def record(
    session: AsyncSession,
    *,
    delivery: Delivery,
    type: str,
    occurred_at: datetime,
    source_event_id: str,
    reason_code: str | None = None,
    payload: dict[str, Any] | None = None,
    **changes: Any,
) -> None:
    """Append the event and fold it into the delivery; ActionRefused if it isn't allowed."""
    try:
        from data.ingest.apply import record_event
    except ImportError:  # the ingest engine has not landed: the same rules, applied here
        record_event = _record_event_locally
    result = await record_event(
        session,
        delivery=delivery,
        type=type,
        occurred_at=occurred_at,
        source=SOURCE,
        source_event_id=source_event_id,
        reason_code=reason_code,
        payload=payload,
        **changes,
    )
    applied = getattr(result, "applied", result)
    if applied is False:
        reason = getattr(result, "rejected_reason", None) or f"{type} refused"
        raise ActionRefused(reason)


async def _record_event_locally(
    session: AsyncSession,
    *,
    delivery: Delivery,
    type: str,
    occurred_at: datetime,
    source: str,
    source_event_id: str,
    reason_code: str | None = None,
    payload: dict[str, Any] | None = None,
    **changes: Any,
) -> bool:
    from data.ingest.fold import to_json
    from data.state_machine import decide

    decision = decide(delivery.status, type, attempt_count=delivery.attempt_count, by_customer=True)
    session.add(
        DeliveryEvent(
            delivery_id=delivery.id,
            source=source,
            source_event_id=source_event_id,
            type=type,
            occurred_at=occurred_at,
            reason_code=reason_code,
            from_status=str(decision.from_status),
            to_status=str(decision.to_status) if decision.allowed else None,
            applied=decision.allowed,
            rejected_reason=decision.reason,
            payload={**(payload or {}), "changes": to_json(changes)},
        )
    )
    if not decision.allowed:
        return False
    for name, value in changes.items():
        setattr(delivery, name, value)
    if decision.status_changed:
        delivery.status = decision.to_status
        delivery.status_changed_at = occurred_at
    delivery.last_event_at = occurred_at
    return True
