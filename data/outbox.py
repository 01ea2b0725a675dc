"""The transactional outbox: events are written with the change they describe."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from data.models import OutboxEvent


def add_event(
    session: AsyncSession, topic: str, payload: dict[str, Any], *, key: str | None = None
) -> OutboxEvent:
    """Stage an event in the caller's transaction; the relay publishes it after commit."""
    event = OutboxEvent(topic=topic, key=key, payload=payload)
    session.add(event)
    return event
