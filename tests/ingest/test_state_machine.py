"""The delivery state machine: what may follow what, told as the operator would."""

import pytest

from data.state_machine import (
    TERMINAL,
    TRANSITIONS,
    EventType,
    allowed_events,
    decide,
    is_terminal,
)
from data.types import DeliveryStatus as S


def test_a_planned_delivery_goes_out_arrives_and_is_delivered() -> None:
    status = S.CREATED
    for event, expected in [
        ("route_assigned", S.SCHEDULED),
        ("out_for_delivery", S.OUT_FOR_DELIVERY),
        ("arriving", S.ARRIVING),
        ("delivered", S.DELIVERED),
    ]:
        decision = decide(status, event)
        assert decision.allowed and decision.to_status is expected, (status, event)
        status = decision.to_status


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
@pytest.mark.parametrize(
    "event",
    [
        "out_for_delivery",
        "arriving",
        "failed_attempt",
        "rescheduled",
        "route_assigned",
        "route_unassigned",
    ],
)
def test_nothing_moves_a_delivery_out_of_a_final_status(terminal: S, event: str) -> None:
    decision = decide(terminal, event)
    assert not decision.allowed
    assert decision.to_status is terminal
    assert "final" in decision.reason


def test_the_same_final_event_twice_is_accepted_without_a_change() -> None:
    for status, event in [
        (S.DELIVERED, "delivered"),
        (S.CANCELLED, "cancelled"),
        (S.RETURNED, "returned"),
    ]:
        decision = decide(status, event)
        assert decision.allowed and not decision.status_changed


def test_a_delay_changes_the_eta_never_the_status() -> None:
    for status in set(S) - TERMINAL:
        decision = decide(status, "delayed")
        assert decision.allowed and decision.to_status is status


def test_arriving_before_the_delivery_is_on_a_route_is_impossible() -> None:
    decision = decide(S.CREATED, "arriving")
    assert not decision.allowed
    assert decision.reason == "arriving is impossible from created"


def test_a_failed_attempt_counts_and_a_rebook_puts_it_back_on_the_schedule() -> None:
    failed = decide(S.OUT_FOR_DELIVERY, "failed_attempt")
    assert failed.allowed and failed.counts_attempt and failed.to_status is S.FAILED_ATTEMPT
    rebook = decide(S.FAILED_ATTEMPT, "rescheduled", attempt_count=1, by_customer=True)
    assert rebook.allowed and rebook.to_status is S.SCHEDULED


def test_a_customer_rebooks_a_second_miss_but_not_a_third() -> None:
    assert decide(S.FAILED_ATTEMPT, "rescheduled", attempt_count=2, by_customer=True).allowed
    customer = decide(S.FAILED_ATTEMPT, "rescheduled", attempt_count=3, by_customer=True)
    assert not customer.allowed
    assert "operator's decision" in customer.reason
    operator = decide(S.FAILED_ATTEMPT, "route_assigned", attempt_count=3)
    assert operator.allowed and operator.to_status is S.SCHEDULED
    operator_rebook = decide(S.FAILED_ATTEMPT, "rescheduled", attempt_count=3, by_customer=False)
    assert operator_rebook.allowed
    assert decide(S.FAILED_ATTEMPT, "return_to_sender", attempt_count=3).allowed


def test_the_limit_follows_the_operators_setting() -> None:
    assert decide(
        S.FAILED_ATTEMPT, "rescheduled", attempt_count=3, by_customer=True, max_customer_rebooks=4
    ).allowed
    assert not decide(
        S.FAILED_ATTEMPT, "rescheduled", attempt_count=2, by_customer=True, max_customer_rebooks=2
    ).allowed


def test_a_failed_attempt_never_turns_into_a_return_by_itself() -> None:
    status = S.SCHEDULED
    for _ in range(5):
        status = decide(status, "failed_attempt").to_status
    assert status is S.FAILED_ATTEMPT


def test_a_refusal_at_the_door_starts_the_return_and_it_ends_returned() -> None:
    back = decide(S.ARRIVING, "return_to_sender")
    assert back.to_status is S.RETURN_TO_SENDER
    assert decide(back.to_status, "returned").to_status is S.RETURNED
    assert not decide(S.RETURN_TO_SENDER, "out_for_delivery").allowed


def test_a_held_package_picked_up_by_the_customer_is_delivered() -> None:
    assert decide(S.HELD_FOR_PICKUP, "delivered").to_status is S.DELIVERED


def test_on_the_truck_a_new_route_moves_the_stop_not_the_status() -> None:
    decision = decide(S.OUT_FOR_DELIVERY, "route_assigned")
    assert decision.allowed and not decision.status_changed


def test_a_stop_pulled_off_its_route_on_the_way_is_back_to_scheduled() -> None:
    for status in (S.OUT_FOR_DELIVERY, S.ARRIVING):
        decision = decide(status, "route_unassigned")
        assert decision.allowed and decision.to_status is S.SCHEDULED, status


@pytest.mark.parametrize(
    "status",
    [S.CREATED, S.SCHEDULED, S.FAILED_ATTEMPT, S.HELD_FOR_PICKUP, S.RETURN_TO_SENDER],
)
def test_a_stop_pulled_off_its_route_otherwise_keeps_its_status(status: S) -> None:
    decision = decide(status, "route_unassigned", attempt_count=2)
    assert decision.allowed and not decision.status_changed
    assert not decision.counts_attempt


def test_planned_unplanned_and_planned_again_goes_out_as_usual() -> None:
    status = S.CREATED
    for event, expected in [
        ("route_assigned", S.SCHEDULED),
        ("out_for_delivery", S.OUT_FOR_DELIVERY),
        ("route_unassigned", S.SCHEDULED),
        ("route_assigned", S.SCHEDULED),
        ("out_for_delivery", S.OUT_FOR_DELIVERY),
    ]:
        decision = decide(status, event)
        assert decision.allowed and decision.to_status is expected, (status, event)
        status = decision.to_status


def test_an_unknown_event_type_is_refused_with_its_name() -> None:
    decision = decide(S.CREATED, "teleported")
    assert not decision.allowed and "teleported" in decision.reason


def test_every_event_type_has_a_row_and_every_status_accepts_something_or_is_final() -> None:
    assert set(TRANSITIONS) == set(EventType)
    for status in S:
        assert allowed_events(status) or is_terminal(status)
    for targets in TRANSITIONS.values():
        assert not (set(targets) & TERMINAL) or all(
            targets[s] in (None, s) for s in set(targets) & TERMINAL
        )
