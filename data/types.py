"""Column types and vocabularies shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands; transitions are governed by data.state_machine."""

    CREATED = "created"
    SCHEDULED = "scheduled"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ARRIVING = "arriving"
    DELIVERED = "delivered"
    FAILED_ATTEMPT = "failed_attempt"
    HELD_FOR_PICKUP = "held_for_pickup"
    RETURN_TO_SENDER = "return_to_sender"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class ExceptionStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class ClaimStatus(enum.StrEnum):
    AWAITING_EVIDENCE = "awaiting_evidence"
    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"


class Channel(enum.StrEnum):
    SMS = "sms"
    SLACK = "slack"


class Direction(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageStatus(enum.StrEnum):
    """Twilio's message statuses plus 'queued_local' (in our outbox, not yet handed over)."""

    RECEIVED = "received"
    PENDING = "pending"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class CheckinStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    PROMPTED = "prompted"
    ANSWERED = "answered"
    MISSED = "missed"
    SKIPPED = "skipped"
