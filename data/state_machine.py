"""The delivery state machine: which event moves a delivery from which status to which.

Pure functions over `DeliveryStatus`; no I/O. data.ingest.apply folds a delivery's event log
through `decide`, so the same log always gives the same delivery, whatever the arrival order.

The rules, in words:
- delivered, returned and cancelled are terminal: nothing moves a delivery out of them. The same
  terminal event again (a second "delivered" from another source) is accepted without a change.
- route_assigned (the operator plans it on a route) and rescheduled (a rebook, by the customer
  or the operator) lead to scheduled. On the truck, route_assigned only moves the stop.
- route_unassigned (dispatch pulls the stop off its route) clears the route; only a delivery
  out for delivery or arriving changes status: back to scheduled, still due, awaiting a driver.
- delayed changes the ETA, never the status; created and updated change details, never the status.
- failed_attempt counts an attempt. After `max_customer_rebooks` failed attempts the next attempt
  is the operator's decision: a rebook from the customer is refused, while the operator's own
  route_assigned / out_for_delivery / return_to_sender still apply. A failed attempt never turns
  into a return by itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from data.types import DeliveryStatus

S = DeliveryStatus


class EventType(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # details changed: address, access code, instructions...
    ROUTE_ASSIGNED = "route_assigned"
    ROUTE_UNASSIGNED = "route_unassigned"  # dispatch took the stop off its route
    RESCHEDULED = "rescheduled"  # a new day / window: a rebook
    OUT_FOR_DELIVERY = "out_for_delivery"
    ARRIVING = "arriving"
    DELIVERED = "delivered"
    FAILED_ATTEMPT = "failed_attempt"
    DELAYED = "delayed"
    HELD_FOR_PICKUP = "held_for_pickup"
    RETURN_TO_SENDER = "return_to_sender"
    RETURNED = "returned"
    CANCELLED = "cancelled"


E = EventType

# Events that take the stop off its route (a rebook, or dispatch pulling it), and events whose
# reason code is the delivery's failure reason: the delivery fields they set follow from these.
TAKES_OFF_ROUTE: frozenset[EventType] = frozenset({E.RESCHEDULED, E.ROUTE_UNASSIGNED})
RECORDS_FAILURE_REASON: frozenset[EventType] = frozenset(
    {E.FAILED_ATTEMPT, E.RETURN_TO_SENDER, E.HELD_FOR_PICKUP}
)

TERMINAL: frozenset[DeliveryStatus] = frozenset({S.DELIVERED, S.RETURNED, S.CANCELLED})
OPEN: frozenset[DeliveryStatus] = frozenset(set(S) - TERMINAL)

# A marker for "keep the status the delivery is in".
SAME = None

# event type -> {from status -> to status (or SAME)}. A pair missing here is impossible.
TRANSITIONS: dict[EventType, dict[DeliveryStatus, DeliveryStatus | None]] = {
    E.CREATED: {s: SAME for s in OPEN},
    E.UPDATED: {s: SAME for s in OPEN},
    E.DELAYED: {s: SAME for s in OPEN},
    E.ROUTE_ASSIGNED: {
        S.CREATED: S.SCHEDULED,
        S.SCHEDULED: S.SCHEDULED,
        S.FAILED_ATTEMPT: S.SCHEDULED,
        S.HELD_FOR_PICKUP: S.SCHEDULED,
        S.OUT_FOR_DELIVERY: SAME,
        S.ARRIVING: SAME,
    },
    # Off its route, a delivery keeps its day and window: the operator still owes it. On the
    # way or arriving, no driver has it any more, so it is back to scheduled (awaiting a
    # driver), not out for delivery. Any other open status stays: a failed attempt, a held
    # parcel or a return are still that once off the route, and created (never planned here,
    # e.g. a task assigned at creation, which Onfleet does not announce) stays created.
    # Accepted from every open status so a stop not on a route is a no-op, not a rejection.
    E.ROUTE_UNASSIGNED: {
        **{s: SAME for s in OPEN},
        S.OUT_FOR_DELIVERY: S.SCHEDULED,
        S.ARRIVING: S.SCHEDULED,
    },
    E.RESCHEDULED: {
        s: S.SCHEDULED
        for s in (
            S.CREATED,
            S.SCHEDULED,
            S.OUT_FOR_DELIVERY,
            S.ARRIVING,
            S.FAILED_ATTEMPT,
            S.HELD_FOR_PICKUP,
        )
    },
    E.OUT_FOR_DELIVERY: {
        s: S.OUT_FOR_DELIVERY
        for s in (
            S.CREATED,
            S.SCHEDULED,
            S.OUT_FOR_DELIVERY,
            S.FAILED_ATTEMPT,
            S.HELD_FOR_PICKUP,
        )
    },
    E.ARRIVING: {s: S.ARRIVING for s in (S.SCHEDULED, S.OUT_FOR_DELIVERY, S.ARRIVING)},
    E.DELIVERED: {
        **{
            s: S.DELIVERED
            for s in (
                S.CREATED,
                S.SCHEDULED,
                S.OUT_FOR_DELIVERY,
                S.ARRIVING,
                S.FAILED_ATTEMPT,
                S.HELD_FOR_PICKUP,  # picked up by the customer
            )
        },
        S.DELIVERED: SAME,
    },
    E.FAILED_ATTEMPT: {
        s: S.FAILED_ATTEMPT
        for s in (S.CREATED, S.SCHEDULED, S.OUT_FOR_DELIVERY, S.ARRIVING, S.FAILED_ATTEMPT)
    },
    E.HELD_FOR_PICKUP: {
        s: S.HELD_FOR_PICKUP
        for s in (
            S.CREATED,
            S.SCHEDULED,
            S.OUT_FOR_DELIVERY,
            S.ARRIVING,
            S.FAILED_ATTEMPT,
            S.HELD_FOR_PICKUP,
        )
    },
    E.RETURN_TO_SENDER: {
        s: S.RETURN_TO_SENDER for s in OPEN
    },  # refused at the door, undeliverable, operator's call
    E.RETURNED: {**{s: S.RETURNED for s in OPEN}, S.RETURNED: SAME},
    E.CANCELLED: {
        **{
            s: S.CANCELLED
            for s in (
                S.CREATED,
                S.SCHEDULED,
                S.OUT_FOR_DELIVERY,
                S.ARRIVING,
                S.FAILED_ATTEMPT,
                S.HELD_FOR_PICKUP,
            )
        },
        S.CANCELLED: SAME,
    },
}

# The default for Settings.max_auto_rebooks: failed attempts after which a person decides.
DEFAULT_MAX_CUSTOMER_REBOOKS = 3


@dataclass(frozen=True, slots=True)
class Decision:
    """What one event does to a delivery in `from_status`."""

    allowed: bool
    from_status: DeliveryStatus
    to_status: DeliveryStatus  # == from_status when nothing changes or when rejected
    reason: str | None = None  # why it was rejected
    counts_attempt: bool = False

    @property
    def status_changed(self) -> bool:
        return self.allowed and self.to_status != self.from_status


# value (or member: StrEnum members hash and compare as their values) -> member
_STATUSES: dict[str, DeliveryStatus] = {str(s): s for s in DeliveryStatus}
_EVENT_TYPES: dict[str, EventType] = {str(e): e for e in EventType}


def decide(
    status: DeliveryStatus | str,
    event_type: EventType | str,
    *,
    attempt_count: int = 0,
    by_customer: bool = False,
    max_customer_rebooks: int = DEFAULT_MAX_CUSTOMER_REBOOKS,
) -> Decision:
    """Where `event_type` takes a delivery in `status`, or why it cannot."""
    # A dict look-up, not Enum(value): this runs once per event of every ingested batch.
    status = _STATUSES.get(status) or DeliveryStatus(status)
    known = _EVENT_TYPES.get(event_type)
    if known is None:
        return Decision(False, status, status, f"unknown event type {event_type!r}")
    event_type = known
    targets = TRANSITIONS[event_type]
    if status not in targets:
        return Decision(False, status, status, _impossible(status, event_type))
    if (
        event_type is E.RESCHEDULED
        and by_customer
        and status is S.FAILED_ATTEMPT
        and attempt_count >= max_customer_rebooks
    ):
        return Decision(
            False,
            status,
            status,
            f"{attempt_count} failed attempts already: the next attempt is the operator's "
            "decision, not a customer rebook",
        )
    target = targets[status]
    return Decision(
        True,
        status,
        status if target is SAME else target,
        counts_attempt=event_type is E.FAILED_ATTEMPT,
    )


def _impossible(status: DeliveryStatus, event_type: EventType) -> str:
    if status in TERMINAL:
        return f"{event_type} on a delivery that is already {status} (final)"
    return f"{event_type} is impossible from {status}"


def allowed_events(status: DeliveryStatus | str) -> list[EventType]:
    """The event types a delivery in `status` accepts (for dispatch tools and docs)."""
    status = DeliveryStatus(status)
    return [event for event, targets in TRANSITIONS.items() if status in targets]


def is_terminal(status: DeliveryStatus | str) -> bool:
    return DeliveryStatus(status) in TERMINAL
