"""The store's schema: migrations apply, and the basics hold on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from data.models import Carrier, Delivery, DeliveryEvent
from data.types import DeliveryStatus


async def test_a_delivery_round_trips_with_aware_utc_times(sessions) -> None:
    window = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    async with sessions() as session, session.begin():
        carrier = Carrier(code="DS", name="Doorstep Fleet")
        session.add(carrier)
        await session.flush()
        session.add(
            Delivery(
                carrier_id=carrier.id,
                tracking_number="DS20461187",
                window_start=window,
                phone="+15551230001",
                access_code="2291",
            )
        )
    async with sessions() as session:
        delivery = await session.scalar(sa.select(Delivery))
        assert delivery.window_start == window
        assert delivery.window_start.tzinfo is not None
        assert delivery.status is DeliveryStatus.CREATED
        assert "2291" not in repr(delivery)


async def test_a_replayed_source_event_id_is_rejected_by_the_store(sessions) -> None:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        session.add(
            DeliveryEvent(source="dms", source_event_id="e1", type="created", occurred_at=now)
        )
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(
                DeliveryEvent(source="dms", source_event_id="e1", type="created", occurred_at=now)
            )
