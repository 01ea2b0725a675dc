"""Hours the customer says not to come in ("please don't deliver between 11 and 2 (lunch
rush)", "no deliveries 12-1", "entre las 11 y las 2 no"): no window offered overlaps them, for
the rest of the rebook; said of a booking already outside them, they are noted and the booking
kept. It is Tuesday, March 4 2025; windows are two hours from 8am."""

from __future__ import annotations

from datetime import UTC, datetime

from sms_helpers import Says, get_delivery, proposes, seed_delivery

from data.types import DeliveryStatus

NOON_TO_TWO = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)  # Tue Mar 4, 12-2pm in New York


async def test_a_rebook_offers_no_window_in_the_hours_ruled_out(maria, sms_services, nlu):
    said = "please don't deliver between 11 and 2 (lunch rush)"
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says(said)
    assert "1)" in reply, reply
    assert "10am-12pm" not in reply and "12-2pm" not in reply, reply
    assert "Wed Mar 5, 8-10am" in reply and "Wed Mar 5, 2-4pm" in reply, reply


async def test_hours_ruled_out_stay_out_for_the_rest_of_the_rebook(maria, sms_services, nlu):
    said = "anytime except 11 to 2"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    nlu.script["thursday afternoon"] = proposes("thursday afternoon")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "1)" in await maria.says(said)
    assert "What day and time" in await maria.says("no")
    assert "Thu Mar 6, 2-4pm?" in await maria.says("thursday afternoon")


async def test_hours_ruled_out_and_then_asked_for_are_booked(maria, sms_services, nlu):
    said = "not between 11 and 2"
    nlu.script[said] = proposes(said)
    nlu.script["actually thursday 12-2 is fine"] = proposes("actually thursday 12-2 is fine")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "12-2pm" not in await maria.says(said)
    assert "Thu Mar 6, 12-2pm?" in await maria.says("actually thursday 12-2 is fine")


async def test_hours_off_that_leave_the_booking_are_noted_and_it_is_kept(maria, sms_services, nlu):
    said = "no deliveries 12-1 please"
    nlu.script[said] = proposes(said)
    delivery_id = await seed_delivery(sms_services, business_name="Whitfield Dental Studio")
    reply = await maria.says(said)
    assert reply == (
        "Noted: we won't come during 12-1pm. DS20461187 is still booked for Tue Mar 4, 2-4pm."
    ), reply
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.window_start.replace(tzinfo=UTC) == datetime(2025, 3, 4, 19, 0, tzinfo=UTC)


async def test_hours_off_in_spanish_are_noted_in_spanish(maria, sms_services, nlu):
    said = "entre las 11 y las 2 no"
    nlu.script[said] = proposes(said)
    nlu.script[said].language = "es"
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert reply.startswith("Anotado: no iremos de 11am-2pm."), reply
    assert "sigue programado" in reply


async def test_hours_off_that_take_in_the_booking_rebook_outside_them(maria, sms_services, nlu):
    said = "please don't deliver between 11 and 2"
    nlu.script[said] = proposes(said)
    await seed_delivery(
        sms_services, window_start=NOON_TO_TWO, window_end=NOON_TO_TWO.replace(hour=19)
    )
    reply = await maria.says(said)
    assert "1)" in reply and "Noted" not in reply, reply
    assert "10am-12pm" not in reply and "12-2pm" not in reply, reply


async def test_hours_off_said_as_dont_deliver_then_are_no_request_to_move(maria, sms_services, nlu):
    said = "please don't deliver between 11 and 2 (lunch rush)"
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert reply.startswith("Noted: we won't come during 11am-2pm."), reply


async def test_hours_off_the_nlu_calls_information_are_about_the_delivery(maria, sms_services, nlu):
    said = "not between 11 and 2"
    nlu.script[said] = Says("inform", confidence=0.76, entities=proposes(said).entities)
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert reply.startswith("Noted: we won't come during 11am-2pm."), reply


async def test_days_off_the_nlu_calls_information_are_noted_too(maria, sms_services, nlu):
    said = "closed next week thursday"
    nlu.script[said] = Says("inform", confidence=0.77, entities=proposes(said).entities)
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert reply.startswith("Noted: we won't come Thu Mar 13."), reply
