"""Operator QA round two, with what the real NLU gives: an address entity without its ZIP, a
ZIP sent on its own, "not 4D", a question we asked then ignored."""

from __future__ import annotations

import pytest
from sms_helpers import Says, get_delivery, rows, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus


async def test_a_same_zip_move_is_done_when_the_nlu_leaves_the_zip_out_of_the_address(
    maria, sms_services, nlu
):
    words = "i moved, please send it to 40 park ave 07030"
    nlu.script[words] = Says("change_address", entities={"address": "40 Park Ave"})
    delivery_id = await seed_delivery(sms_services)
    assert await maria.says(words) == "Done: we'll deliver to 40 Park Ave."
    delivery = await get_delivery(sms_services, delivery_id)
    assert (delivery.address_line1, delivery.postal_code) == ("40 Park Ave", "07030")


async def test_a_zip_sent_on_its_own_completes_the_street_given_before(maria, sms_services, nlu):
    nlu.script["i need to change my address"] = Says("change_address")
    nlu.script["my address is 305 poplar dr"] = Says(
        "change_address", entities={"address": "305 poplar dr"}
    )
    nlu.script["07030"] = Says("inform", confidence=0.5)
    delivery_id = await seed_delivery(sms_services)
    assert "new delivery address" in await maria.says("I need to change my address")
    assert "ZIP" in await maria.says("my address is 305 poplar dr")
    assert await maria.says("07030") == "Done: we'll deliver to 305 Poplar Dr."
    assert (await get_delivery(sms_services, delivery_id)).address_line1 == "305 Poplar Dr"


async def test_a_zip_on_its_own_for_a_street_in_another_zip_goes_to_dispatch_with_it(
    maria, sms_services, nlu
):
    nlu.script["deliver to 500 main st instead"] = Says(
        "change_address", entities={"address": "500 main st"}
    )
    nlu.script["75201"] = Says("inform")
    delivery_id = await seed_delivery(sms_services)
    assert "ZIP" in await maria.says("deliver to 500 main st instead")
    assert "dispatch team will review" in await maria.says("75201")
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "different_zip" and "500 Main St, 75201" in case.summary
    assert [t["text"] for t in case.details["transcript"]][-1] == "75201"
    assert (await get_delivery(sms_services, delivery_id)).address_line1 == "12 Hudson St"


async def test_its_apt_4b_not_4d_keeps_the_unit_the_customer_wants(maria, sms_services, nlu):
    nlu.script["not 4d, it's apt 4b"] = Says("change_address", entities={"address": "4d"})
    nlu.script["its 4b not apt 4d"] = Says("change_address", entities={"address": "apt 4d"})
    delivery_id = await seed_delivery(sms_services, address_line2="Apt 4D")
    assert await maria.says("not 4D, it's apt 4B") == "Done: we'll deliver to 12 Hudson St, Apt 4B."
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == "Apt 4B"
    # Only the unwanted unit named: ask rather than write 4D back.
    assert "new delivery address" in await maria.says("its 4B not apt 4D")


async def test_asking_where_the_package_is_after_we_asked_for_the_address_answers_that(
    maria, sms_services, nlu
):
    nlu.script["change my address"] = Says("change_address")
    nlu.script["actually where is my package?"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    assert "new delivery address" in await maria.says("change my address")
    assert "is scheduled for" in await maria.says("actually where is my package?")


async def test_thanks_after_we_asked_for_instructions_is_not_saved_as_instructions(
    maria, sms_services, nlu
):
    nlu.script["can i leave a note for the driver"] = Says("give_delivery_instructions")
    nlu.script["where is it now"] = Says("where_is_my_package")
    delivery_id = await seed_delivery(sms_services, status=DeliveryStatus.SCHEDULED)
    assert "Reply with your instructions" in await maria.says("can I leave a note for the driver")
    assert "is scheduled for" in await maria.says("where is it now")
    assert (await get_delivery(sms_services, delivery_id)).instructions is None


async def test_where_is_it_and_leave_it_at_the_back_door_answers_both(maria, sms_services, nlu):
    words = "where is my package and can you leave it at the back door"
    nlu.script[words] = Says("give_delivery_instructions", confidence=0.47)
    nlu.script["where's my stuff? put it on the porch pls"] = Says("where_is_my_package")
    delivery_id = await seed_delivery(sms_services)
    reply = await maria.says(words)
    assert reply.startswith("DS20461187 is scheduled for") and reply.endswith(
        "Your driver will see your instructions."
    )
    saved = (await get_delivery(sms_services, delivery_id)).instructions
    assert saved == "can you leave it at the back door"
    reply = await maria.says("where's my stuff? put it on the porch pls")
    assert "is scheduled for" in reply and "saved" in reply
    assert (await get_delivery(sms_services, delivery_id)).instructions == "put it on the porch pls"


async def test_is_it_with_my_neighbour_is_a_question_not_an_instruction(maria, sms_services, nlu):
    nlu.script["is it with my neighbour?"] = Says("where_is_my_package")
    delivery_id = await seed_delivery(sms_services)
    assert "is scheduled for" in await maria.says("is it with my neighbour?")
    assert (await get_delivery(sms_services, delivery_id)).instructions is None


async def test_a_gate_code_sent_on_its_own_is_saved_not_answered_with_the_menu(
    maria, sms_services, nlu
):
    nlu.script["4512#"] = Says("inform", confidence=0.8, entities={"access_code": "4512"})
    nlu.script["el código de la puerta es 7788#"] = Says(
        "give_delivery_instructions", language="es", entities={"access_code": "7788"}
    )
    delivery_id = await seed_delivery(sms_services)
    assert "the code" in await maria.says("4512#")
    assert (await get_delivery(sms_services, delivery_id)).access_code == "4512"
    assert "guardado" in await maria.says("el código de la puerta es 7788#")
    delivery = await get_delivery(sms_services, delivery_id)
    # Only the code in the message: nothing else for the driver to read, no "[code]#" left.
    assert delivery.access_code == "7788" and delivery.instructions is None


async def test_a_thumbs_up_after_a_status_is_an_acknowledgement(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["👍"] = Says("affirm", confidence=0.9)
    await seed_delivery(sms_services)
    await maria.says("where is my package")
    assert await maria.says("👍") == "Great. Text us anytime if you need anything else."


@pytest.mark.parametrize(
    "text",
    [
        "actually the code changed, its 4417 now",
        "new gate code: 4417",
        "hey sorry, updated code is 4417",
        "el nuevo codigo es 4417",
    ],
)
async def test_a_new_code_keeps_the_instructions_on_file(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("give_delivery_instructions", entities={"access_code": "4417"})
    delivery_id = await seed_delivery(
        sms_services, access_code="2580", instructions="Buzz 2, then the side door."
    )
    await maria.says(text)
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.access_code == "4417"
    assert delivery.instructions == "Buzz 2, then the side door."


async def test_a_code_with_directions_saves_the_directions_too(maria, sms_services, nlu):
    text = "code is 4417 now, and leave it by the back door"
    nlu.script[text] = Says("give_delivery_instructions", entities={"access_code": "4417"})
    delivery_id = await seed_delivery(sms_services, instructions="Buzz 2")
    await maria.says(text)
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.access_code == "4417" and "back door" in delivery.instructions
    assert "4417" not in delivery.instructions


@pytest.mark.parametrize(
    "text",
    [
        "can you read back what you have saved for getting into my building",
        "what do you have down for my building?",
        "what do u have on file for access",
    ],
)
async def test_asking_to_hear_the_record_is_answered_not_saved(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("give_delivery_instructions")
    delivery_id = await seed_delivery(sms_services, instructions="Buzz 2, then the side door.")
    reply = await maria.says(text)
    assert "instructions on file" in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).instructions == (
        "Buzz 2, then the side door."
    )
