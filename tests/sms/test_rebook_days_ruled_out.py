"""Rebooking around the days the customer can't take ("we're closed wednesday", "wednesdays
are bad", "away until thursday"): never offered, for the rest of the rebook. It is Tuesday,
March 4 2025."""

from __future__ import annotations

import pytest
from sms_helpers import Says, proposes, seed_delivery

from data.types import DeliveryStatus


@pytest.mark.parametrize(
    ("text", "never"),
    [
        ("we're closed tomorrow, can you come today", "Wed Mar 5"),
        ("can't do wednesday, can it come today?", "Wed Mar 5"),
        ("not thursday. today after 2?", "Thu Mar 6"),
        ("the 5th is no good for us, can you do this afternoon", "Wed Mar 5"),
        ("el miércoles estamos cerrados, ¿pueden venir hoy?", "mie 5 mar"),
    ],
)
async def test_a_day_ruled_out_is_not_in_the_offer_when_the_day_asked_is_too_soon(
    text, never, maria, sms_services, nlu
):
    nlu.script[text] = proposes(text)
    if "miércoles" in text:
        nlu.script[text].language = "es"
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says(text)
    assert "1)" in reply and never not in reply, reply


async def test_a_day_ruled_out_stays_out_of_the_offers_for_the_rest_of_the_rebook(
    maria, sms_services, nlu
):
    said = "we're closed wednesday, can you come thursday morning"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    nlu.script["none of those"] = Says("deny")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Thu Mar 6, 8-10am?" in await maria.says(said)
    offer = await maria.says("no")
    assert "1)" in offer and "Wed Mar 5" not in offer, offer
    assert "What day and time" in await maria.says("none of those")
    nlu.script["any time this week"] = Says("reschedule_delivery")
    again = await maria.says("any time this week")
    assert "1)" in again and "Wed Mar 5" not in again, again


async def test_a_weekday_ruled_out_as_a_habit_is_left_out_of_the_offer(maria, sms_services, nlu):
    said = "wednesdays and thursdays are bad for us, pick another day"
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says(said)
    assert "1) Fri Mar 7" in offer and "Wed" not in offer and "Thu" not in offer, offer


async def test_a_day_ruled_out_and_then_asked_for_is_booked(maria, sms_services, nlu):
    said = "not wednesday, today?"
    nlu.script[said] = proposes(said)
    nlu.script["ok wednesday then, after 2"] = proposes("ok wednesday then, after 2")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Wed Mar 5" not in await maria.says(said)
    assert "Wed Mar 5, 2-4pm?" in await maria.says("ok wednesday then, after 2")


async def test_a_day_ruled_out_before_the_package_is_picked_stays_out(maria, sms_services, nlu):
    said = "we're closed tomorrow, can you come today"
    nlu.script[said] = proposes(said)
    nlu.script["1"] = Says("inform")
    for tracking in ("DS20461187", "DS20461188"):
        await seed_delivery(
            sms_services, tracking=tracking, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
        )
    assert "Which package?" in await maria.says(said)
    offer = await maria.says("1")
    assert "1)" in offer and "Wed Mar 5" not in offer, offer


@pytest.mark.parametrize(
    ("said", "first"),
    [
        ("im away until thursday, redeliver then", "1) Thu Mar 6, 8-10am"),
        ("not back till friday", "1) Fri Mar 7, 8-10am"),
        ("estoy fuera hasta el jueves", "1) jue 6 mar, 8-10am"),
    ],
)
async def test_a_customer_away_until_a_day_is_offered_that_day_on(
    said, first, maria, sms_services, nlu
):
    nlu.script[said] = proposes(said)
    nlu.script[said].language = "es" if "hasta" in said else "en"
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says(said)
    assert first in offer and "Mar 5" not in offer and "5 mar" not in offer, offer
