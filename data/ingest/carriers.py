"""Carriers for the ingest path: the carrier of an event, and the carriers' rows by code."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from data.ingest.events import CanonicalEvent
from data.ingest.sql import dialect_insert, select_in
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
    columns = [Carrier.code, Carrier.id]
    known = dict(await select_in(session, columns, Carrier.code, sorted(codes)))
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
    return dict(await select_in(session, columns, Carrier.code, sorted(codes)))
