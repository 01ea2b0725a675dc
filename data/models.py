"""The delivery-state store: SQLAlchemy 2 models shared by the SMS and Slack sides."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from data.types import (
    Channel,
    CheckinStatus,
    ClaimStatus,
    DeliveryStatus,
    Direction,
    ExceptionStatus,
    MessageStatus,
    UTCDateTime,
    utcnow,
)

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY autoincrements).
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Carrier(Timestamped, Base):
    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Driver(Timestamped, Base):
    __tablename__ = "drivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id"))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    carrier: Mapped[Carrier | None] = relationship()


class Route(Timestamped, Base):
    __tablename__ = "routes"
    __table_args__ = (Index("ix_routes_driver_date", "driver_id", "service_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("drivers.id"))
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id"))
    service_date: Mapped[date] = mapped_column(Date)
    shift_start: Mapped[datetime | None]
    shift_end: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned/started/done

    driver: Mapped[Driver | None] = relationship()
    stops: Mapped[list[RouteStop]] = relationship(
        back_populates="route", order_by="RouteStop.sequence", cascade="all, delete-orphan"
    )


class RouteStop(Base):
    __tablename__ = "route_stops"
    __table_args__ = (UniqueConstraint("route_id", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    planned_arrival: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    route: Mapped[Route] = relationship(back_populates="stops")
    delivery: Mapped[Delivery] = relationship()


class Delivery(Timestamped, Base):
    __tablename__ = "deliveries"
    # Every index is written again on each update that is not HOT, and the ingest path updates
    # a delivery per event: keep only what the bots' queries use. The unique key leads with the
    # tracking number, so it also serves lookups by tracking number alone; status is not
    # indexed (it changes with nearly every event, and fillfactor leaves room on the page so
    # such updates can be HOT); the rebook load query ranges over service_date.
    __table_args__ = (
        UniqueConstraint("tracking_number", "carrier_id", name="uq_delivery_carrier_tracking"),
        Index("ix_deliveries_phone", "phone"),
        Index("ix_deliveries_route_id", "route_id"),
        Index("ix_deliveries_service_date", "service_date"),
        {"postgresql_with": {"fillfactor": 80}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"))
    tracking_number: Mapped[str] = mapped_column(String(40))  # normalized: upper, no spaces
    external_id: Mapped[str | None] = mapped_column(String(64))

    recipient_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="en")

    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(100))  # unit / apartment / suite
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(40))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2), default="US")
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")

    is_business: Mapped[bool] = mapped_column(Boolean, default=False)
    business_name: Mapped[str | None] = mapped_column(String(120))
    receiving_hours: Mapped[str | None] = mapped_column(String(120))
    dock: Mapped[str | None] = mapped_column(String(120))
    contact_person: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    handling_notes: Mapped[str | None] = mapped_column(Text)

    service_date: Mapped[date | None] = mapped_column(Date)
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    eta: Mapped[datetime | None]

    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.CREATED
    )
    status_changed_at: Mapped[datetime | None]
    last_event_at: Mapped[datetime | None]  # occurred_at of the newest applied event
    # occurred_at of the newest logged event, applied or rejected: an older arrival replays the log
    events_watermark: Mapped[datetime | None]
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    failure_reason: Mapped[str | None] = mapped_column(String(48))  # canonical reason code
    # When the customer last corrected the address (a unit, a street in the same ZIP): after
    # a failed attempt for want of one, a correction since that attempt means it is fixed.
    address_corrected_at: Mapped[datetime | None]
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id", ondelete="SET NULL"))

    instructions: Mapped[str | None] = mapped_column(Text)
    # A secret: shown only to the assigned driver, never logged (see __repr__).
    access_code: Mapped[str | None] = mapped_column(String(64))

    delivered_at: Mapped[datetime | None]
    signed_by: Mapped[str | None] = mapped_column(String(120))
    pod_photo_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    declared_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    carrier: Mapped[Carrier] = relationship()
    route: Mapped[Route | None] = relationship()

    def __repr__(self) -> str:  # never include the access code
        return f"<Delivery {self.id} {self.tracking_number} {self.status}>"

    @property
    def address_one_line(self) -> str:
        parts = [self.address_line1, self.address_line2, self.city, self.state, self.postal_code]
        return ", ".join(p for p in parts if p)


class DeliveryEvent(Base):
    """Append-only log. A replay of the same (source, source_event_id) is a no-op."""

    __tablename__ = "delivery_events"
    __table_args__ = (
        UniqueConstraint("source", "source_event_id", name="uq_delivery_event_source_id"),
        Index("ix_delivery_events_delivery_occurred", "delivery_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    source: Mapped[str] = mapped_column(String(32))  # dms, onfleet, easypost, aftership, sms…
    source_event_id: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason_code: Mapped[str | None] = mapped_column(String(48))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    applied: Mapped[bool] = mapped_column(Boolean, default=True)
    rejected_reason: Mapped[str | None] = mapped_column(Text)  # impossible transition, etc.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DeliveryException(Timestamped, Base):
    """An exception case for dispatch: every one has an owner and a clock."""

    __tablename__ = "exceptions"
    __table_args__ = (Index("ix_exceptions_status_opened", "status", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))  # failed_attempt, address_change, human…
    reason_code: Mapped[str | None] = mapped_column(String(48))
    status: Mapped[ExceptionStatus] = mapped_column(
        _enum(ExceptionStatus), default=ExceptionStatus.OPEN
    )
    owner: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # transcript etc.
    source: Mapped[str] = mapped_column(String(32), default="system")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[datetime | None]
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))

    delivery: Mapped[Delivery | None] = relationship()


class Claim(Timestamped, Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    exception_id: Mapped[int | None] = mapped_column(ForeignKey("exceptions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # missing / damaged
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus), default=ClaimStatus.OPEN)
    description: Mapped[str] = mapped_column(Text, default="")
    evidence_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    declared_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    resolved_at: Mapped[datetime | None]


class Contact(Timestamped, Base):
    """A phone number we text: consent, language and time zone."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None]
    opt_out_source: Mapped[str | None] = mapped_column(String(32))  # keyword, nlu, twilio_21610


class ConsentEvent(Base):
    """The consent ledger: every opt-out and opt-in, never overwritten."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # opt_out / opt_in
    source: Mapped[str] = mapped_column(String(32))
    keyword: Mapped[str | None] = mapped_column(String(32))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Timestamped, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_phone_status", "phone", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.SMS)
    phone: Mapped[str | None] = mapped_column(String(20))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / handed_off / closed
    last_message_at: Mapped[datetime | None]


class Message(Timestamped, Base):
    """Every message in and out. Outbound rows are the SMS outbox (status 'pending')."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id", name="uq_message_provider_id"),
        Index("ix_messages_outbox", "status", "next_attempt_at"),
        Index("ix_messages_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    phone: Mapped[str | None] = mapped_column(String(20))  # the customer's / driver's number
    body: Mapped[str] = mapped_column(Text, default="")
    media_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[MessageStatus] = mapped_column(_enum(MessageStatus))
    provider_id: Mapped[str | None] = mapped_column(String(64))  # Twilio MessageSid, Slack ts
    error_code: Mapped[str | None] = mapped_column(String(16))
    template: Mapped[str | None] = mapped_column(String(64))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    intent: Mapped[str | None] = mapped_column(String(48))
    confidence: Mapped[float | None]


class DriverCheckin(Timestamped, Base):
    __tablename__ = "driver_checkins"
    __table_args__ = (Index("ix_checkins_status_scheduled", "status", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("drivers.id"), index=True)
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id"))
    kind: Mapped[str] = mapped_column(String(24))  # shift_start, midday, end_of_day
    status: Mapped[CheckinStatus] = mapped_column(
        _enum(CheckinStatus), default=CheckinStatus.SCHEDULED
    )
    scheduled_for: Mapped[datetime]
    prompted_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    response_text: Mapped[str | None] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(48))
    delay_minutes: Mapped[int | None] = mapped_column(Integer)


class OutboxEvent(Base):
    """Events written with the change they describe; a relay moves them to the Redis stream."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_unrelayed",
            "id",
            postgresql_where=text("relayed_at IS NULL"),
            sqlite_where=text("relayed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(48))  # delivery.status_changed, exception.opened…
    key: Mapped[str | None] = mapped_column(String(64))  # e.g. delivery id
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    relayed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
