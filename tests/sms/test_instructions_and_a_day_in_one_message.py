"""After a failed attempt, a message that gives the way in and the day to come back ("the gate
code is 1234#, please come back monday") saves the code and offers that day, in one reply."""

from __future__ import annotations

from dataclasses import replace

from sms_helpers import Says, get_delivery, proposes, seed_delivery

from data.types import DeliveryStatus

FAILED = {"status": DeliveryStatus.FAILED_ATTEMPT, "failure_reason": "no_access"}


async def test_the_code_is_saved_and_the_day_offered(maria, sms_services, nlu):
    text = (
        "the driver left a note saying no access. the gate code is 1234#, please come back monday"
    )
    said = proposes(text)
    entities = {**said.entities, "access_code": "1234#"}
    nlu.script[text.lower()] = replace(said, intent="give_delivery_instructions", entities=entities)
    delivery_id = await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert "Thanks, saved. The driver will have the code" in reply, reply
    assert "Reply RESCHEDULE" not in reply, reply
    assert "Mon Mar 10" in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).access_code == "1234#"


async def test_instructions_without_a_day_still_offer_to_reschedule(maria, sms_services, nlu):
    text = "the gate code is 1234#"
    nlu.script[text] = Says("give_delivery_instructions", entities={"access_code": "1234#"})
    await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert "Reply RESCHEDULE to pick a time." in reply, reply
