"""Instructions told apart from questions, sentence by sentence: "the driver couldn't get in?
there's a buzzer, just hit 12" gives the driver something; "what are the hours there" asks
something else and is never saved as a note for the driver."""

from __future__ import annotations

import pytest
from sms_helpers import Says, get_delivery, seed_delivery

from data.types import DeliveryStatus

FAILED_AT_THE_GATE = {"status": DeliveryStatus.FAILED_ATTEMPT, "failure_reason": "no_access"}


@pytest.mark.parametrize(
    "text",
    [
        "the driver couldnt get in? there's a buzzer, just hit 12",
        "why couldn't he get in?? theres a call box, dial 12 and I'll buzz him up",
        "Couldn't get in? The side gate is unlocked, use that",
    ],
)
async def test_a_question_then_the_way_in_saves_the_way_in(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("give_delivery_instructions")
    delivery_id = await seed_delivery(sms_services, **FAILED_AT_THE_GATE)
    reply = await maria.says(text)
    assert "code on file" not in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).instructions == text


@pytest.mark.parametrize(
    "text",
    [
        "what are the hours there",
        "who is my driver?",
        "how much does it cost",
        "is anyone even reading these",
    ],
)
async def test_a_question_read_as_instructions_is_not_saved(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("give_delivery_instructions", confidence=0.45)
    delivery_id = await seed_delivery(sms_services, instructions="Leave it with the doorman.")
    reply = await maria.says(text)
    assert "saved" not in reply.lower(), reply
    assert "AGENT" in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).instructions == (
        "Leave it with the doorman."
    )


@pytest.mark.parametrize(
    "text",
    [
        "can you leave it at the back door?",
        "is it ok to leave it with the neighbor in 3B? she's home all day",
        "will the driver call me when he's outside",
    ],
)
async def test_a_request_put_as_a_question_is_still_saved(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("give_delivery_instructions")
    delivery_id = await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert "saved" in reply.lower(), reply
    assert (await get_delivery(sms_services, delivery_id)).instructions == text


async def test_asking_about_the_code_on_file_is_still_answered(maria, sms_services, nlu):
    text = "the driver couldn't get in. do you have my gate code?"
    nlu.script[text.lower()] = Says("give_delivery_instructions")
    delivery_id = await seed_delivery(sms_services, **FAILED_AT_THE_GATE)
    reply = await maria.says(text)
    assert "code on file" in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).instructions is None
