"""A failed attempt the customer disputes goes to a person, not into the driver's notes; a day
said as plain information ("fine, just bring it monday") is a rebook."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sms_helpers import Says, count, get_delivery, proposes, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus

FAILED = {"status": DeliveryStatus.FAILED_ATTEMPT, "failure_reason": "recipient_unavailable"}
A_PERSON = "A person from our team will text you back"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("I have a doorbell camera and nobody came to my door", "give_delivery_instructions"),
        ("no one even knocked. I was home all day", "inform"),
        ("the driver never came, my ring camera shows nothing", "give_delivery_instructions"),
        ("he didn't even ring the bell", "nlu_fallback"),
        ("nadie vino, estuve en casa toda la tarde", "inform"),
    ],
)
async def test_a_disputed_attempt_goes_to_a_person(maria, sms_services, nlu, text, read_as):
    nlu.script[text.lower()] = Says(read_as, confidence=0.45)
    delivery_id = await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert A_PERSON in reply or "Una persona" in reply, reply
    assert await count(sms_services, DeliveryException) == 1
    assert (await get_delivery(sms_services, delivery_id)).instructions is None


async def test_the_same_words_before_an_attempt_are_instructions(maria, sms_services, nlu):
    text = "nobody came to the door last time, please knock loudly"
    nlu.script[text] = Says("give_delivery_instructions", confidence=0.6)
    delivery_id = await seed_delivery(sms_services)  # scheduled: no attempt to dispute
    reply = await maria.says(text)
    assert "saved" in reply.lower(), reply
    assert (await get_delivery(sms_services, delivery_id)).instructions == text


async def test_a_day_said_as_information_is_a_rebook(maria, sms_services, nlu):
    text = "Fine. Just bring it monday between 9 and 12"
    nlu.script[text.lower()] = replace(proposes(text), intent="inform", confidence=0.51)
    await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert "Mon Mar 10" in reply, reply
    assert "Reply YES" in reply or "Reply 1" in reply, reply


async def test_information_naming_today_is_not_a_rebook(maria, sms_services, nlu):
    text = "i was out today"
    nlu.script[text] = Says("inform", entities={"date": "2025-03-04"})
    await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert "Reply YES" not in reply and "Reply 1" not in reply, reply
