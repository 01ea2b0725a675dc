"""The values flows decide over: delivery facts, the conversation state, and the decision."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

TRANSCRIPT_TURNS = 12
# The driver has the package: a change now is a person's call with the driver.
ON_THE_WAY = frozenset({"out_for_delivery", "arriving"})


@dataclass(frozen=True, slots=True)
class DeliveryFacts:
    """What a flow may know about one delivery (plain values, never an ORM object)."""

    id: int
    tracking_number: str
    status: str
    timezone: str = "America/New_York"
    service_date: date | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    eta: datetime | None = None
    stops_away: int | None = None
    attempt_count: int = 0
    failure_reason: str | None = None
    address_corrected: bool = False  # by the customer, since the delivery took its status
    postal_code: str | None = None
    recipient_last_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    pod_photo_url: str | None = None
    delivered_at: datetime | None = None
    on_todays_route: bool = False
    route_id: int | None = None
    driver_id: int | None = None
    on_this_phone: bool = True
    has_access_code: bool = False  # whether one is on file; the code itself never enters flows
    has_instructions: bool = False
    business_name: str | None = None
    receiving_hours: str | None = None  # a business's, as written: "Mon-Fri 8am-4pm"
    dock: str | None = None
    # The customer's open claim on this delivery, from the record (missing / damaged).
    open_claim: str | None = None
    open_claim_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Load:
    """Deliveries already booked, per day and per window start (capacity is policy)."""

    per_day: dict[date, int] = field(default_factory=dict)
    per_window: dict[datetime, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the webhook looked up for this turn."""

    text: str
    deliveries: tuple[DeliveryFacts, ...] = ()  # on this phone, or verified by it
    looked_up: DeliveryFacts | None = None  # the tracking number given, not on this phone
    unknown_tracking: str | None = None  # a tracking number given that matches nothing
    locked_out: bool = False
    media_urls: tuple[str, ...] = ()
    load: Load = field(default_factory=Load)

    def delivery(self, delivery_id: int | None) -> DeliveryFacts | None:
        return next((d for d in self.deliveries if d.id == delivery_id), None)


@dataclass(frozen=True, slots=True)
class ConversationState:
    """One phone's conversation, kept in Redis between turns (JSON)."""

    language: str = "en"
    delivery_id: int | None = None
    verified_ids: tuple[int, ...] = ()
    pending: dict[str, Any] | None = None
    low_confidence: int = 0
    transcript: tuple[tuple[str, str], ...] = ()
    # The answers given in this conversation, "key:tracking" (status.failed_address:DS1), so
    # an answer asked for again can move on instead of repeating itself word for word. The
    # latest is last (told again, it moves there): "what are my options?" is read by it.
    told: tuple[str, ...] = ()
    # Claims opened in this conversation: (delivery id, missing / damaged, when, ISO 8601).
    claims: tuple[tuple[int, str, str], ...] = ()
    # The customer picked delivery_id out of a list: their next request is about it.
    chosen: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verified_ids"] = list(self.verified_ids)
        data["transcript"] = [list(turn) for turn in self.transcript]
        data["told"] = list(self.told)
        data["claims"] = [list(claim) for claim in self.claims]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return cls()
        return cls(
            language=data.get("language") or "en",
            delivery_id=data.get("delivery_id"),
            verified_ids=tuple(data.get("verified_ids") or ()),
            pending=data.get("pending"),
            low_confidence=int(data.get("low_confidence") or 0),
            transcript=tuple(tuple(t) for t in data.get("transcript") or ()),  # type: ignore[misc]
            told=tuple(data.get("told") or ()),
            claims=tuple(tuple(c) for c in data.get("claims") or ()),  # type: ignore[misc]
            chosen=bool(data.get("chosen")),
        )

    def heard(self, who: str, text: str) -> ConversationState:
        turns = (*self.transcript, (who, text))[-TRANSCRIPT_TURNS:]
        return replace(self, transcript=turns)

    def has_told(self, key: str, tracking: str) -> bool:
        return f"{key}:{tracking}" in self.told

    def telling(self, reply: Reply | None) -> ConversationState:
        """The state after this reply (and any second answer in it) is sent."""
        told = list(self.told)
        while reply is not None:
            tracking = reply.params.get("tracking")
            if tracking:
                said = f"{reply.key}:{tracking}"
                told = [*(t for t in told if t != said), said]
            reply = reply.then
        return replace(self, told=tuple(told[-TRANSCRIPT_TURNS:]))

    def waiting_for(self, kind: str | None, **details: Any) -> ConversationState:
        return replace(self, pending={"kind": kind, **details} if kind else None)

    def about(self, delivery_id: int | None, *, chosen: bool = False) -> ConversationState:
        """About this delivery now; still `chosen` if it is the one the customer picked."""
        kept = self.chosen and delivery_id == self.delivery_id
        return replace(self, delivery_id=delivery_id, chosen=chosen or kept)


# --- what the flow asks the actions to do ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reschedule:
    delivery_id: int
    window_start: datetime
    window_end: datetime


@dataclass(frozen=True, slots=True)
class UpdateAddress:
    delivery_id: int
    address_line1: str | None
    address_line2: str | None
    customer_words: str


@dataclass(frozen=True, slots=True)
class SaveInstructions:
    delivery_id: int
    instructions: str | None
    access_code: str | None


@dataclass(frozen=True, slots=True)
class ReturnToSender:
    delivery_id: int
    customer_words: str


@dataclass(frozen=True, slots=True)
class HoldForPickup:
    delivery_id: int


@dataclass(frozen=True, slots=True)
class FileClaim:
    delivery_id: int
    kind: str  # missing / damaged
    description: str
    evidence_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WithdrawClaim:
    """The customer found the package: its open claim of this kind is closed, and its case."""

    delivery_id: int
    kind: str  # missing
    customer_words: str


@dataclass(frozen=True, slots=True)
class AddClaimEvidence:
    """Photos sent for a claim already open (one opened without a photo)."""

    delivery_id: int
    kind: str  # damaged
    evidence_urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenException:
    """A case for dispatch. The transcript is already redacted (no access codes)."""

    delivery_id: int | None
    type: str
    reason_code: str
    summary: str
    transcript: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class VerificationFailed:
    """Count a failed identity check for this phone (Redis; locks the phone out)."""


Action = (
    Reschedule
    | UpdateAddress
    | SaveInstructions
    | ReturnToSender
    | HoldForPickup
    | FileClaim
    | WithdrawClaim
    | AddClaimEvidence
    | OpenException
    | VerificationFailed
)


@dataclass(frozen=True, slots=True)
class Reply:
    """A template key and its values; bot/sms/templates renders it in the customer's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    then: Reply | None = None  # a second answer in the same SMS (two asks in one message)


@dataclass(frozen=True, slots=True)
class Decision:
    reply: Reply | None
    state: ConversationState
    actions: tuple[Action, ...] = ()
