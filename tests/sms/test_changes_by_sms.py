"""Address corrections, instructions and gate codes, refusals and holds, by SMS."""

from __future__ import annotations

import logging

from sms_helpers import Says, count, get_delivery, rows, seed_delivery

from data.models import DeliveryEvent, DeliveryException, Message, OutboxEvent
from data.types import DeliveryStatus, Direction


async def test_a_unit_correction_is_accepted(maria, sms_services, nlu):
    nlu.script["it's apt 4b"] = Says("change_address", entities={"address": "apt 4b"})
    delivery_id = await seed_delivery(sms_services)
    reply = await maria.says("it's apt 4B")
    assert "we'll deliver to 12 Hudson St, Apt 4B" in reply
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == "Apt 4B"


async def test_a_move_within_the_zip_before_dispatch_is_accepted(maria, sms_services, nlu):
    words = "change address to 88 Washington St, Hoboken NJ 07030"
    nlu.script[words.lower()] = Says(
        "change_address", entities={"address": "88 Washington St, Hoboken NJ 07030"}
    )
    delivery_id = await seed_delivery(sms_services)
    assert "88 Washington St" in await maria.says(words)
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.address_line1 == "88 Washington St" and delivery.postal_code == "07030"


async def test_a_new_zip_goes_to_dispatch_with_the_customers_words(maria, sms_services, nlu):
    words = "please send it to 5 Main St, Jersey City NJ 07302"
    nlu.script[words.lower()] = Says("change_address")
    delivery_id = await seed_delivery(sms_services)
    assert "dispatch team will review" in await maria.says(words)
    [case] = await rows(sms_services, DeliveryException)
    assert (case.type, case.reason_code) == ("address_change", "different_zip")
    assert case.details["transcript"][-1]["text"] == words
    assert (await get_delivery(sms_services, delivery_id)).address_line1 == "12 Hudson St"


async def test_a_move_while_out_for_delivery_goes_to_dispatch(maria, sms_services, nlu):
    words = "deliver to 88 washington st 07030 instead"
    nlu.script[words] = Says("change_address")
    await seed_delivery(sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY)
    assert "review" in await maria.says(words)
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "on_the_way"


async def test_an_address_without_a_zip_asks_for_it(maria, sms_services, nlu):
    nlu.script["new address please"] = Says("change_address")
    nlu.script["88 washington st"] = Says("inform")
    nlu.script["88 washington st, 07030"] = Says("inform")
    delivery_id = await seed_delivery(sms_services)
    assert "new delivery address" in await maria.says("new address please")
    assert "ZIP" in await maria.says("88 Washington St")
    assert "Done" in await maria.says("88 Washington St, 07030")
    assert (await get_delivery(sms_services, delivery_id)).address_line1 == "88 Washington St"


async def test_a_gate_code_reaches_todays_driver_and_nowhere_else(maria, sms_services, nlu, caplog):
    words = "gate code is 4471#, leave it by the side door"
    nlu.script[words] = Says("give_delivery_instructions", entities={"access_code": "4471#"})
    nlu.script["talk to a human"] = Says("request_human")
    delivery_id = await seed_delivery(sms_services, on_route_today=True)
    caplog.set_level(logging.INFO)  # everything the app logs (library SQL debug aside)
    assert "sent to today's driver" in await maria.says(words)
    await maria.says("talk to a human")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.access_code == "4471#"
    assert "side door" in delivery.instructions and "4471" not in delivery.instructions
    notes = await rows(sms_services, OutboxEvent, OutboxEvent.topic == "driver.note")
    assert [n.payload["access_code"] for n in notes] == ["4471#"]
    others = await rows(sms_services, OutboxEvent, OutboxEvent.topic != "driver.note")
    assert others and all("4471" not in str(e.payload) for e in others)
    [case] = await rows(sms_services, DeliveryException)
    assert "4471" not in str(case.details) and "4471" not in case.summary
    inbound = await rows(sms_services, Message, Message.direction == Direction.INBOUND)
    assert all("4471" not in m.body for m in inbound)
    assert "4471" not in caplog.text


async def test_instructions_for_a_later_day_are_saved_for_the_driver(maria, sms_services, nlu):
    nlu.script["can i add delivery instructions"] = Says("give_delivery_instructions")
    nlu.script["leave it with the doorman"] = Says("inform")
    delivery_id = await seed_delivery(sms_services)
    assert "instructions" in await maria.says("can I add delivery instructions")
    assert "Your driver will see" in await maria.says("leave it with the doorman")
    assert (await get_delivery(sms_services, delivery_id)).instructions == (
        "leave it with the doorman"
    )
    assert await count(sms_services, OutboxEvent, OutboxEvent.topic == "driver.note") == 0


async def test_refusing_is_confirmed_then_returned_to_sender(maria, sms_services, nlu):
    nlu.script["i don't want it"] = Says("refuse_delivery")
    nlu.script["yes"] = Says("affirm")
    delivery_id = await seed_delivery(sms_services)
    assert "Reply YES to confirm" in await maria.says("I don't want it")
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.SCHEDULED
    assert "returned to the sender" in await maria.says("yes")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.RETURN_TO_SENDER
    [event] = await rows(sms_services, DeliveryEvent, DeliveryEvent.delivery_id == delivery_id)
    assert (event.type, event.reason_code) == ("return_to_sender", "refused")


async def test_saying_no_keeps_the_delivery(maria, sms_services, nlu):
    nlu.script["refuse it"] = Says("refuse_delivery")
    nlu.script["no"] = Says("deny")
    delivery_id = await seed_delivery(sms_services)
    await maria.says("refuse it")
    assert "keep" in await maria.says("no")
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.SCHEDULED


async def test_hold_for_pickup_gives_the_depot_and_holds_it(maria, sms_services, nlu):
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1, on_route_today=True
    )
    reply = await maria.says("HOLD")
    assert sms_services.settings.depot_address in reply
    assert sms_services.settings.depot_hours in reply
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.HELD_FOR_PICKUP and delivery.route_id is None
    [note] = await rows(sms_services, OutboxEvent, OutboxEvent.topic == "driver.note")
    assert note.payload["kind"] == "held_for_pickup"
