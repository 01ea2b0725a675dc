"""The canonical delivery event: what every delivery system's event is translated into."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from data.phones import InvalidPhoneNumber, to_e164
from data.reason_codes import ReasonCode
from data.state_machine import EventType
from data.tracking import identify_carrier, normalize_tracking_number

MAX_BATCH = 1000  # events per POST /dms/events or per ingest_events call from the web


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def optional_e164(value: str | None) -> str | None:
    """A phone number as E.164, or None when blank; ValueError (a field error) when invalid."""
    if value is None or value == "":
        return None
    try:
        return to_e164(value)
    except InvalidPhoneNumber as exc:
        raise ValueError(str(exc)) from None


def no_nul(value: str) -> str:
    """The text unchanged; ValueError if it holds a NUL character (PostgreSQL refuses them)."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\u0000); is the file or payload binary?")
    return value


def _nul_at(value: Any, path: str = "") -> str | None:
    """Where in a decoded JSON value a string holds a NUL character, or None."""
    if isinstance(value, str):
        return path or "event" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_at(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def tracking_number(value: str) -> str:
    """The normalized tracking number: 1 to 40 letters and digits once separators are gone."""
    normalized = normalize_tracking_number(value)
    letters_and_digits = normalized.isascii() and normalized.isalnum()
    if not normalized or len(normalized) > 40 or not letters_and_digits:
        raise ValueError("a tracking number has 1 to 40 letters and digits")
    return normalized


def iana_zone(value: str | None) -> str | None:
    """The time zone name if IANA knows it; ValueError (a field error) otherwise."""
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. America/New_York)") from None
    return value


class Window(_Strict):
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError("window end must be after its start")
        return self


class ProofOfDelivery(_Strict):
    photo_urls: list[str] = Field(default_factory=list, max_length=20)
    signature_url: str | None = None
    signed_by: str | None = Field(default=None, max_length=120)


class DriverRef(_Strict):
    external_id: str = Field(min_length=1, max_length=64)
    name: str | None = Field(default=None, max_length=120)
    phone: str | None = None

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        return optional_e164(value)


class RouteRef(_Strict):
    external_id: str = Field(min_length=1, max_length=64)
    service_date: date | None = None
    driver: DriverRef | None = None
    sequence: int | None = Field(default=None, ge=0)


class Address(_Strict):
    line1: str | None = Field(default=None, max_length=200)
    line2: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    postal_code: str | None = Field(default=None, max_length=16)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return iana_zone(value)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class DeliveryFacts(BaseModel):
    """The facts of a delivery that a canonical event and an import row both carry, with the
    same limits (the store's columns)."""

    external_id: str | None = Field(default=None, max_length=64)
    recipient_name: str | None = Field(default=None, max_length=120)
    phone: str | None = None
    email: str | None = Field(default=None, max_length=254)
    language: str | None = Field(default=None, max_length=8)
    is_business: bool | None = None
    business_name: str | None = Field(default=None, max_length=120)
    receiving_hours: str | None = Field(default=None, max_length=120)
    dock: str | None = Field(default=None, max_length=120)
    contact_person: str | None = Field(default=None, max_length=120)
    contact_phone: str | None = None
    handling_notes: str | None = Field(default=None, max_length=4000)
    declared_value: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    access_code: str | None = Field(default=None, max_length=64, repr=False)
    instructions: str | None = Field(default=None, max_length=4000)
    service_date: date | None = None

    @field_validator("phone", "contact_phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        return optional_e164(value)


class DeliveryDetails(_Strict, DeliveryFacts):
    """The facts of a delivery, sent with 'created' (all) or 'updated' (what changed)."""

    address: Address | None = None


class CanonicalEvent(_Strict):
    """One thing that happened to one delivery, in Doorstep's own words (docs/ingest.md)."""

    event_id: str = Field(min_length=1, max_length=128)
    type: EventType
    occurred_at: AwareDatetime
    carrier: str | None = Field(
        default=None, max_length=32, description="Carrier code; inferred from the number if unset"
    )
    tracking_number: str = Field(min_length=1, max_length=60)
    reason_code: ReasonCode | None = None
    reason_detail: str | None = Field(
        default=None, max_length=500, description="The source's own reason code or words"
    )
    eta: AwareDatetime | None = None
    window: Window | None = None
    pod: ProofOfDelivery | None = None
    route: RouteRef | None = None
    delivery: DeliveryDetails | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        where = _nul_at(data)
        if where:
            raise ValueError(f"{where} contains a NUL character (\\u0000)")
        return data

    @field_validator("tracking_number")
    @classmethod
    def _normalized(cls, value: str) -> str:
        return tracking_number(value)

    @field_validator("carrier")
    @classmethod
    def _carrier_code(cls, value: str | None) -> str | None:
        return value.strip().lower() or None if value else None

    @model_validator(mode="after")
    def _consistent(self) -> CanonicalEvent:
        if self.type is EventType.FAILED_ATTEMPT and self.reason_code is None:
            raise ValueError("a failed_attempt needs a reason_code (see docs/ingest.md)")
        if self.type is EventType.ROUTE_ASSIGNED and self.route is None:
            raise ValueError("a route_assigned event needs a route {external_id, ...}")
        if self.type is EventType.ROUTE_UNASSIGNED and self.route is not None:
            raise ValueError("a route_unassigned event takes the stop off its route: no route")
        if self.type is EventType.DELAYED and self.eta is None and self.window is None:
            raise ValueError("a delayed event needs the new eta or window")
        if self.delivery is not None and self.type not in (EventType.CREATED, EventType.UPDATED):
            raise ValueError("delivery details go with 'created' or 'updated' events only")
        return self

    def carrier_code(self, operator_pattern: str = r"DS\d{8}") -> str | None:
        """The carrier as given, or as recognized from the tracking number's format."""
        return self.carrier or identify_carrier(self.tracking_number, operator_pattern)


def parse_events(body: Any, *, max_batch: int = MAX_BATCH) -> list[CanonicalEvent]:
    """One event or {"events": [...]} -> events; raises InvalidEvents naming each bad field."""
    if isinstance(body, dict) and "events" in body:
        if set(body) != {"events"} or not isinstance(body["events"], list):
            raise InvalidEvents([{"loc": "body", "msg": 'expected {"events": [ ... ]}'}])
        items = body["events"]
        if not items:
            raise InvalidEvents([{"loc": "events", "msg": "no events"}])
        if len(items) > max_batch:
            raise InvalidEvents(
                [{"loc": "events", "msg": f"{len(items)} events; at most {max_batch} per call"}]
            )
        prefix: list[Any] = ["events"]
    elif isinstance(body, dict):
        items, prefix = [body], []
    else:
        raise InvalidEvents([{"loc": "body", "msg": "expected a JSON object"}])
    events, errors = [], []
    for index, item in enumerate(items):
        try:
            events.append(CanonicalEvent.model_validate(item))
        except ValidationError as exc:
            where = [*prefix, index] if prefix else []
            errors.extend(_errors(exc, where))
    if errors:
        raise InvalidEvents(errors)
    return events


class InvalidEvents(ValueError):
    """Events that do not validate; `errors` lists {loc, msg} for each problem."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['loc']}: {e['msg']}" for e in errors))


def _errors(exc: ValidationError, where: list[Any]) -> list[dict[str, Any]]:
    out = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(part) for part in [*where, *error["loc"]]) or "event"
        out.append({"loc": loc, "msg": error["msg"]})
    return out
