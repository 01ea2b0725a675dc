"""The rows an import file holds (deliveries, routes, drivers), each validated by its model."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from data.ingest.events import DeliveryFacts, iana_zone, no_nul, optional_e164, tracking_number

Kind = Literal["deliveries", "routes", "drivers"]
KINDS: tuple[Kind, ...] = ("deliveries", "routes", "drivers")


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = no_nul(value.strip())
        return value or None
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls.model_fields)

    @classmethod
    def required_columns(cls) -> list[str]:
        return [name for name, info in cls.model_fields.items() if info.is_required()]

    @field_validator("*", mode="before")
    @classmethod
    def _blanks(cls, value: Any) -> Any:
        return _blank_to_none(value)


class DriverRow(_Row):
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=120)
    phone: str | None = None
    carrier: str | None = Field(default=None, max_length=32)
    slack_user_id: str | None = Field(default=None, max_length=32)
    timezone: str | None = None
    active: bool | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return optional_e164(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return iana_zone(value)


class RouteRow(_Row):
    external_id: str = Field(max_length=64)
    service_date: date
    driver_external_id: str | None = Field(default=None, max_length=64)
    carrier: str | None = Field(default=None, max_length=32)
    shift_start: datetime | None = None
    shift_end: datetime | None = None
    status: Literal["planned", "started", "done"] | None = None


class DeliveryRow(_Row, DeliveryFacts):
    tracking_number: str = Field(max_length=60)
    carrier: str | None = Field(default=None, max_length=32)
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    postal_code: str | None = Field(default=None, max_length=16)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    timezone: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    route_external_id: str | None = Field(default=None, max_length=64)
    stop_sequence: int | None = Field(default=None, ge=0)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return iana_zone(value)

    @field_validator("tracking_number")
    @classmethod
    def _normalized(cls, value: str) -> str:
        return tracking_number(value)


ROW_MODELS: dict[Kind, type[_Row]] = {
    "deliveries": DeliveryRow,
    "routes": RouteRow,
    "drivers": DriverRow,
}
NATURAL_KEY = {"deliveries": "tracking_number", "routes": "external_id", "drivers": "external_id"}


def aware(value: datetime, zone: str) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))
