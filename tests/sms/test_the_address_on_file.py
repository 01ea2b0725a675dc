""" "What address do you have for me?" is answered with the address the delivery goes to, and
how to correct it; it is not the help menu, nor a change of address asking for a new one."""

from __future__ import annotations

import pytest
from sms_helpers import Says, get_delivery, seed_delivery

from data.types import DeliveryStatus


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("what address do you have for me?", "help"),
        ("which address is it going to", "change_address"),
        ("where are you sending it to?", "where_is_my_package"),
        ("is my address correct?", "change_address"),
        ("what's the address on file", "inform"),
    ],
)
async def test_the_address_on_file_is_read_back(maria, sms_services, nlu, text, read_as):
    nlu.script[text.lower()] = Says(read_as, confidence=0.8)
    delivery_id = await seed_delivery(sms_services, address_line2="Apt 3C")
    reply = await maria.says(text)
    assert "DS20461187 goes to 12 Hudson St, Apt 3C 07030." in reply, reply
    assert "reply with the full address" in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == "Apt 3C"


async def test_in_spanish(maria, sms_services, nlu):
    text = "¿a qué dirección lo van a mandar?"
    nlu.script[text.lower()] = Says("where_is_my_package", language="es")
    await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert "DS20461187 va a 12 Hudson St 07030." in reply, reply


async def test_once_delivered_it_is_only_read_back(maria, sms_services, nlu):
    nlu.script["what address did you have"] = Says("help", confidence=0.5)
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    reply = await maria.says("what address did you have")
    assert "goes to 12 Hudson St 07030." in reply and "reply with" not in reply, reply


async def test_a_new_address_is_still_a_change(maria, sms_services, nlu):
    text = "what address? it should be 40 Park Ave, Hoboken NJ 07030"
    nlu.script[text.lower()] = Says("change_address", entities={"address": "40 Park Ave"})
    delivery_id = await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert "goes to" not in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).address_line1 == "40 Park Ave"
