"""What a batch of ingested events did (counts, rejections), and the unknown-carrier error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from data.ingest.events import InvalidEvents


@dataclass(slots=True)
class Rejection:
    event_id: str
    tracking_number: str
    type: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "event_id": self.event_id,
            "tracking_number": self.tracking_number,
            "type": self.type,
            "reason": self.reason,
        }


@dataclass(slots=True)
class IngestResult:
    """What one batch did: counts, and every rejected transition with its reason."""

    received: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    deliveries_created: int = 0
    deliveries_replayed: int = 0
    duplicate_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "rejections": [r.as_dict() for r in self.rejected],
            "deliveries_created": self.deliveries_created,
            "deliveries_replayed": self.deliveries_replayed,
        }

    def merge(self, other: IngestResult) -> None:
        self.received += other.received
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.deliveries_created += other.deliveries_created
        self.deliveries_replayed += other.deliveries_replayed
        self.duplicate_ids.extend(other.duplicate_ids)


class UnknownCarrier(InvalidEvents):
    """Events whose carrier is neither given nor recognizable from the tracking number."""
