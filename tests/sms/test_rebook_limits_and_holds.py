"""Rebooks on the customer's limits: "hold it until monday", a closed range of days, an absence
past the booking horizon, and hours said before a "no". It is Tuesday, March 4 2025."""

from __future__ import annotations

import httpx
import pytest
from sms_helpers import Phone, Says, count, get_delivery, proposes, rows, seed_delivery

from bot.app import create_app
from data.models import DeliveryException
from data.types import DeliveryStatus


async def _failed(services) -> int:  # noqa: ANN001
    return await seed_delivery(services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)


@pytest.mark.parametrize(
    "text",
    ["can you hold it till monday", "hold it until monday pls", "can it wait until monday"],
)
async def test_hold_it_until_monday_offers_monday_not_sooner_and_does_not_hold_it(
    maria, sms_services, nlu, text
):
    nlu.script[text] = proposes(text)
    delivery_id = await _failed(sms_services)
    offer = await maria.says(text)
    assert "1) Mon Mar 10, 8-10am" in offer
    assert "Wed Mar 5" not in offer and "held for pickup" not in offer
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.FAILED_ATTEMPT


async def test_hold_it_until_monday_then_a_pick_books_monday(maria, sms_services, nlu):
    nlu.script["hold it until monday"] = proposes("hold it until monday")
    nlu.script["2"] = Says("inform")
    nlu.script["yes"] = Says("affirm")
    delivery_id = await _failed(sms_services)
    await maria.says("hold it until monday")
    assert "Mon Mar 10, 12-2pm?" in await maria.says("2")
    assert "rebooked for Mon Mar 10, 12-2pm" in await maria.says("yes")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.SCHEDULED


async def test_hold_it_at_the_depot_is_still_a_pickup(maria, sms_services, nlu):
    nlu.script["hold it at the depot, i'll pick it up"] = Says("hold_for_pickup")
    delivery_id = await _failed(sms_services)
    reply = await maria.says("hold it at the depot, I'll pick it up")
    assert "held for pickup" in reply
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.HELD_FOR_PICKUP


@pytest.mark.parametrize(
    "text",
    [
        "we're closed from wednesday to saturday",
        "we're away wed thru sat",
        "out of town wednesday-saturday, rebook pls",
    ],
)
async def test_a_range_of_days_closed_rules_out_every_day_in_it(maria, sms_services, nlu, text):
    nlu.script[text] = proposes(text)
    await _failed(sms_services)
    offer = await maria.says(text)
    assert "1) Mon Mar 10, 8-10am" in offer
    for day in ("Wed Mar 5", "Thu Mar 6", "Fri Mar 7", "Sat Mar 8"):
        assert day not in offer


async def test_a_range_said_in_answer_to_the_offer_is_kept_out(maria, sms_services, nlu):
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script["none of those, we're closed thursday through saturday"] = Says(
        "deny",
        entities={"ruled_out": proposes("closed thursday through saturday").entities["ruled_out"]},
    )
    await _failed(sms_services)
    await maria.says("reschedule")
    offer = await maria.says("none of those, we're closed thursday through saturday")
    assert "Thu Mar 6" not in offer and "Fri Mar 7" not in offer and "Sat Mar 8" not in offer
    assert "Wed Mar 5" in offer and "Mon Mar 10" in offer  # the day before the range is on


async def test_away_past_the_booking_horizon_says_how_far_ahead_we_book(maria, sms_services, nlu):
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script["i'm away until the 20th"] = Says(
        "inform", entities={"ruled_out": proposes("i'm away until the 20th").entities["ruled_out"]}
    )
    delivery_id = await _failed(sms_services)
    await maria.says("reschedule")
    reply = await maria.says("I'm away until the 20th")
    assert "up to 7 days ahead" in reply
    assert "HOLD" in reply and "AGENT" in reply
    assert "no open delivery windows" not in reply
    assert await count(sms_services, DeliveryException) == 0
    assert "held for pickup" in await maria.says("HOLD")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.HELD_FOR_PICKUP


async def test_a_day_past_the_booking_horizon_says_how_far_ahead_we_book(maria, sms_services, nlu):
    nlu.script["can you deliver on the 20th"] = proposes("can you deliver on the 20th")
    await _failed(sms_services)
    reply = await maria.says("can you deliver on the 20th")
    assert "up to 7 days ahead" in reply and "1)" not in reply


async def test_away_past_the_horizon_in_spanish(client, sms_services, nlu):
    nlu.script["cambiar"] = Says("reschedule_delivery", language="es")
    nlu.script["estoy de viaje hasta el 20"] = Says(
        "inform",
        language="es",
        entities={"ruled_out": proposes("estoy de viaje hasta el 20").entities["ruled_out"]},
    )
    await _failed(sms_services)
    carlos = Phone(client, sms_services, "+12015550123")
    await carlos.says("CAMBIAR")
    reply = await carlos.says("estoy de viaje hasta el 20")
    assert "7 dias de anticipacion" in reply and "RECOGER" in reply


async def test_a_no_to_the_window_keeps_the_hours_said_before(maria, sms_services, nlu):
    nlu.script["after 3pm only"] = proposes("after 3pm only")
    nlu.script["no"] = Says("deny")
    await _failed(sms_services)
    confirm = await maria.says("after 3pm only")
    assert "Wed Mar 5, 4-6pm?" in confirm
    offer = await maria.says("no")
    assert "8-10am" not in offer and "12-2pm" not in offer
    assert "Wed Mar 5, 4-6pm" not in offer  # the window just turned down
    assert "1) Wed Mar 5, 6-8pm 2) Thu Mar 6, 4-6pm 3) Fri Mar 7, 4-6pm" in offer


async def test_a_day_after_the_no_still_keeps_the_hours_said_before(maria, sms_services, nlu):
    nlu.script["after 3pm only"] = proposes("after 3pm only")
    nlu.script["no"] = Says("deny")
    nlu.script["thursday then"] = proposes("thursday then")
    await _failed(sms_services)
    await maria.says("after 3pm only")
    await maria.says("no")
    assert "Thu Mar 6, 4-6pm?" in await maria.says("thursday then")


async def test_new_hours_replace_the_ones_said_before(maria, sms_services, nlu):
    nlu.script["after 3pm only"] = proposes("after 3pm only")
    nlu.script["actually mornings are better, thursday morning"] = proposes(
        "actually mornings are better, thursday morning"
    )
    await _failed(sms_services)
    await maria.says("after 3pm only")
    reply = await maria.says("actually mornings are better, thursday morning")
    assert "Thu Mar 6, 8-10am?" in reply


@pytest.mark.rasa
async def test_hold_it_until_monday_with_real_nlu_rebooks_and_the_depot_holds(rasa_services):
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        james = Phone(client, rasa_services, "+12015550123")
        delivery_id = await _failed(rasa_services)
        offer = await james.says("can you hold it till monday")
        assert "1) Mon Mar 10" in offer and "held for pickup" not in offer
        assert "held for pickup" in await james.says("hold it at the depot, I'll pick it up")
    assert (await get_delivery(rasa_services, delivery_id)).status == (
        DeliveryStatus.HELD_FOR_PICKUP
    )


@pytest.mark.parametrize(
    ("answer", "says", "held"),
    [
        ("ok hold it then", Says("nlu_fallback", confidence=0.28), True),
        ("yes please", Says("affirm"), True),
        ("i'll pick it up when i'm back", Says("hold_for_pickup", confidence=0.5), True),
        ("no dont hold it", Says("deny"), False),
    ],
)
async def test_the_hold_offered_past_the_horizon_is_taken_by_a_yes(
    maria, sms_services, nlu, answer, says, held
):
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script["away until the 20th"] = Says(
        "inform", entities={"ruled_out": proposes("away until the 20th").entities["ruled_out"]}
    )
    nlu.script[answer] = says
    delivery_id = await _failed(sms_services)
    await maria.says("reschedule")
    await maria.says("away until the 20th")
    reply = await maria.says(answer)
    assert ("held for pickup" in reply) is held
    delivery = await get_delivery(sms_services, delivery_id)
    assert (delivery.status == DeliveryStatus.HELD_FOR_PICKUP) is held


async def test_hold_it_until_monday_while_out_for_delivery_goes_to_a_person(
    maria, sms_services, nlu
):
    nlu.script["can you hold it until monday"] = proposes("can you hold it until monday")
    delivery_id = await seed_delivery(sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY)
    reply = await maria.says("can you hold it until monday")
    assert "already on the way" in reply and "A person will contact you" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert (case.delivery_id, case.type, case.reason_code) == (
        delivery_id,
        "rebook_review",
        "on_the_way",
    )
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.OUT_FOR_DELIVERY


async def test_a_weekday_said_after_an_absence_is_the_one_after_it(maria, sms_services, nlu):
    nlu.script["hold it until next week"] = proposes("hold it until next week")
    nlu.script["the thursday one"] = proposes("the thursday one")
    nlu.script["monday then"] = proposes("monday then")
    await _failed(sms_services)
    assert "1) Mon Mar 10, 8-10am" in await maria.says("hold it until next week")
    reply = await maria.says("the thursday one")  # next week's Thursday: past the horizon
    assert "Thu Mar 6" not in reply and "up to 7 days ahead" in reply
    assert "Mon Mar 10, 8-10am?" in await maria.says("monday then")


async def test_a_weekday_ruled_out_as_a_habit_can_still_be_asked_for(maria, sms_services, nlu):
    nlu.script["reschedule, but fridays are bad"] = proposes("reschedule, but fridays are bad")
    nlu.script["actually friday is ok"] = proposes("actually friday is ok")
    await _failed(sms_services)
    await maria.says("reschedule, but fridays are bad")
    assert "Fri Mar 7, 8-10am?" in await maria.says("actually friday is ok")


async def test_none_of_those_with_a_reason_offers_none_of_those_again(maria, sms_services, nlu):
    said = "none of those work, i'm away from friday through sunday"
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script[said] = Says("deny", entities={"ruled_out": proposes(said).entities["ruled_out"]})
    await _failed(sms_services)
    first = await maria.says("reschedule")
    assert "1) Wed Mar 5, 8-10am 2) Wed Mar 5, 12-2pm 3) Thu Mar 6, 8-10am" in first
    offer = await maria.says(said)
    assert "Wed Mar 5, 8-10am" not in offer and "Wed Mar 5, 12-2pm" not in offer
    assert (
        "Thu Mar 6, 8-10am" not in offer and "Fri Mar 7" not in offer and "Sat Mar 8" not in offer
    )
    assert "1) Wed Mar 5, 10am-12pm 2) Wed Mar 5, 2-4pm 3) Thu Mar 6, 10am-12pm" in offer


async def test_a_single_window_left_is_offered_as_one(maria, sms_services, nlu):
    said = "only after 6pm, and we're away from wednesday through sunday"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    await _failed(sms_services)
    assert "Mon Mar 10, 6-8pm?" in await maria.says(said)
    reply = await maria.says("no")
    assert "1) Tue Mar 11, 6-8pm Reply 1," in reply and "1-1" not in reply


async def test_no_window_left_on_the_hours_said_says_so(maria, sms_services, nlu):
    said = "only after 6pm, and we're away from wednesday through monday"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    await _failed(sms_services)
    assert "Tue Mar 11, 6-8pm?" in await maria.says(said)
    reply = await maria.says("no")
    assert reply.startswith("That time is full or outside our hours. We can do: 1) Tue Mar 11")
