"""Carriers for the ingest path: the carrier of an event, and the carriers' rows by code."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.events import CanonicalEvent
from data.ingest.sql import dialect_insert, driver_connection
from data.models import Carrier
from data.tracking import carrier_formats, normalize_tracking_number
from data.types import utcnow

CARRIER_NAMES = {
    "operator": "Doorstep Fleet",
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "amazon": "Amazon Logistics",
    "dhl": "DHL",
}


def carrier_finder(operator_pattern: str) -> Any:
    """event -> carrier code: as given, else from the tracking number's format (the formats
    built once per batch, not once per event)."""
    formats = carrier_formats(operator_pattern)

    def carrier(event: CanonicalEvent) -> str | None:
        if event.carrier:
            return event.carrier
        normalized = normalize_tracking_number(event.tracking_number)
        for fmt in formats:
            if fmt.pattern.fullmatch(normalized):
                return fmt.carrier
        return None

    return carrier


async def get_or_create_carriers(session: AsyncSession, codes: set[str]) -> dict[str, int]:
    if session.bind.dialect.name == "postgresql":
        driver = await driver_connection(session)
        sql = "SELECT code, id FROM carriers WHERE code = ANY($1::VARCHAR[])"
        known = {code: id_ for code, id_ in await driver.fetch(sql, list(codes))}
    else:
        query = sa.select(Carrier.code, Carrier.id).where(Carrier.code.in_(codes))
        known = dict((await session.execute(query)).all())
    if len(known) == len(codes):
        return known
    now = utcnow()
    await session.execute(
        dialect_insert(session, Carrier).on_conflict_do_nothing(index_elements=["code"]),
        [
            {
                "code": code,
                "name": CARRIER_NAMES.get(code, code.upper()),
                "created_at": now,
                "updated_at": now,
            }
            for code in sorted(codes)
        ],
    )
    rows = await session.execute(sa.select(Carrier.code, Carrier.id).where(Carrier.code.in_(codes)))
    return dict(rows.all())
