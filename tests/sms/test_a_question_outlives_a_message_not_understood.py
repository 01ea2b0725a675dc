"""A message not understood in the middle of a question ("huh?", a typo) keeps the question:
the next message can still answer it. Another request leaves it, as before."""

from __future__ import annotations

from sms_helpers import Says, proposes, seed_delivery

from data.types import DeliveryStatus

FAILED = {"status": DeliveryStatus.FAILED_ATTEMPT, "failure_reason": "recipient_unavailable"}


async def test_yes_after_a_message_not_understood_confirms(maria, sms_services, nlu):
    text = "can you come back monday morning"
    nlu.script[text] = proposes(text)
    nlu.script["yes"] = Says("affirm")
    await seed_delivery(sms_services, **FAILED)
    offer = await maria.says(text)
    assert "Reply YES to confirm" in offer, offer
    assert "didn't get that" in await maria.says("wht abt tht")  # the scripted NLU: nothing
    reply = await maria.says("yes")
    assert "rebooked for Mon Mar 10" in reply, reply


async def test_another_request_still_leaves_the_question(maria, sms_services, nlu):
    text = "can you come back monday morning"
    nlu.script[text] = proposes(text)
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["yes"] = Says("affirm")
    await seed_delivery(sms_services, **FAILED)
    await maria.says(text)
    await maria.says("where is my package")
    reply = await maria.says("yes")
    assert "rebooked" not in reply, reply
