"""What the NLU made of one message: the typed value that crosses from nlu/ into flows/."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Audience = Literal["customer", "driver"]

# What a customer asks about a delivery: each request has its own flow.
DELIVERY_REQUESTS = frozenset(
    {
        "where_is_my_package",
        "reschedule_delivery",
        "change_address",
        "give_delivery_instructions",
        "refuse_delivery",
        "report_missing_package",
        "report_damaged_package",
        "hold_for_pickup",
    }
)
CUSTOMER_INTENTS = DELIVERY_REQUESTS | frozenset(
    {
        "request_human",
        "complain",
        "opt_out",
        "help",
        "inform",
        "affirm",
        "deny",
        "greet",
        "thank_you",
        "goodbye",
        "out_of_scope",
    }
)
DRIVER_INTENTS = frozenset(
    {
        "on_schedule",
        "running_late",
        "access_issue",
        "recipient_unavailable",
        "vehicle_problem",
        "delivery_completed",
        "refused_by_recipient",
        "need_help",
    }
)
FALLBACK_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


@dataclass(frozen=True, slots=True)
class Entities:
    """Entities resolved into values the app can use (None when absent)."""

    tracking_number: str | None = None  # normalized: upper case, no spaces or dashes
    access_code: str | None = None  # as given, without a leading/trailing '#'
    address: str | None = None  # as written
    date: date | None = None  # resolved against "now" in the recipient's time zone
    after: str | None = None  # "HH:MM", window lower bound
    before: str | None = None  # "HH:MM", window upper bound
    ruled_out: tuple[date, ...] = ()  # days the customer says they cannot take ("not friday")
    alternatives: tuple[date, ...] = ()  # other days named with `date` ("wed or thu": thu)
    # ("HH:MM", "HH:MM") ranges not to come in ("don't deliver between 11 and 2")
    hours_ruled_out: tuple[tuple[str, str], ...] = ()
    delay_minutes: int | None = None  # drivers
    stop: int | None = None  # drivers

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["ruled_out"] = [day.isoformat() for day in self.ruled_out]
        data["alternatives"] = [day.isoformat() for day in self.alternatives]
        data["hours_ruled_out"] = [list(hours) for hours in self.hours_ruled_out]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entities:
        """The inverse of as_json (a request kept while the delivery is asked for)."""
        data = dict(data)
        if data.get("date"):
            data["date"] = date.fromisoformat(data["date"])
        for days in ("ruled_out", "alternatives"):
            data[days] = tuple(date.fromisoformat(d) for d in data.get(days) or ())
        data["hours_ruled_out"] = tuple(
            (str(lo), str(hi)) for lo, hi in data.get("hours_ruled_out") or ()
        )
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Understanding:
    text: str
    intent: str
    confidence: float
    language: str = "en"  # "en" or "es"
    entities: Entities = field(default_factory=Entities)
    ranking: tuple[tuple[str, float], ...] = ()

    @property
    def is_fallback(self) -> bool:
        return self.intent in FALLBACK_INTENTS

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "language": self.language,
            "entities": self.entities.as_json(),
        }


class NluError(Exception):
    """Base class for NLU failures."""


class NluUnavailable(NluError):
    """The Rasa server is down, slow (timed out) or has no model loaded. Flows answer politely."""
