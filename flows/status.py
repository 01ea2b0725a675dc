"""Where is my package: the status in plain words and what happens next."""

from __future__ import annotations

from flows.model import ConversationState, Decision, DeliveryFacts, Reply


def where_is(state: ConversationState, delivery: DeliveryFacts) -> Decision:
    return Decision(status_reply(delivery), state)


def status_reply(d: DeliveryFacts) -> Reply:
    """One template per status; the values it needs, nothing more."""
    base = {"tracking": d.tracking_number, "tz": d.timezone}
    if d.status == "delivered":
        return Reply(
            "status.delivered", {**base, "delivered_at": d.delivered_at, "pod": d.pod_photo_url}
        )
    if d.status in ("out_for_delivery", "arriving"):
        return Reply(
            "status.out_for_delivery",
            {**base, "stops_away": d.stops_away, "eta": d.eta, **_window(d)},
        )
    if d.status == "failed_attempt":
        return Reply(
            "status.failed_attempt",
            {**base, "reason": d.failure_reason, "attempts": d.attempt_count},
        )
    if d.status in ("scheduled", "created"):
        return Reply("status.scheduled", {**base, **_window(d)})
    if d.status == "held_for_pickup":
        return Reply("status.held_for_pickup", base)
    if d.status in ("return_to_sender", "returned"):
        return Reply("status.returning", base)
    return Reply("status.cancelled", base)


def _window(d: DeliveryFacts) -> dict:
    return {"window_start": d.window_start, "window_end": d.window_end}
