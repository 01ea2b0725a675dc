"""Asking for the driver's number: drivers' numbers stay private; a message for today's driver
is passed on (the next message is saved as instructions), and otherwise a person helps."""

from __future__ import annotations

import pytest
from sms_helpers import Says, count, get_delivery, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus

ON_THE_WAY = {"status": DeliveryStatus.OUT_FOR_DELIVERY, "on_route_today": True}


@pytest.mark.parametrize(
    ("text", "read_as", "language"),
    [
        ("can I get the driver's number?", "request_human", "en"),
        ("can I call the driver", "request_human", "en"),
        ("what's the courier's phone #", "help", "en"),
        ("me pasan el número del repartidor?", "request_human", "es"),
    ],
)
async def test_a_message_for_todays_driver_is_offered(
    maria, sms_services, nlu, text, read_as, language
):
    nlu.script[text.lower()] = Says(read_as, confidence=0.9, language=language)
    delivery_id = await seed_delivery(sms_services, **ON_THE_WAY)
    reply = await maria.says(text)
    assert "don't share drivers' numbers" in reply or "no damos el numero" in reply, reply
    assert await count(sms_services, DeliveryException) == 0
    nlu.script["tell him to knock loudly"] = Says("give_delivery_instructions")
    await maria.says("tell him to knock loudly")
    assert (
        await get_delivery(sms_services, delivery_id)
    ).instructions == "tell him to knock loudly"


async def test_with_no_driver_today_a_person_is_offered(maria, sms_services, nlu):
    nlu.script["can i get the driver's number?"] = Says("request_human", confidence=0.9)
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    reply = await maria.says("can I get the driver's number?")
    assert "Reply AGENT" in reply, reply


async def test_a_complaint_about_the_driver_still_goes_to_a_person(maria, sms_services, nlu):
    text = "the driver was rude, I want to talk to your manager"
    nlu.script[text.lower()] = Says("complain", confidence=0.95)
    await seed_delivery(sms_services, **ON_THE_WAY)
    reply = await maria.says(text)
    assert "A person from our team will text you back" in reply, reply
