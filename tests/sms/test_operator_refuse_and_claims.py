"""Operator QA round two: refusals taken back in words the NLU reads as "yes", and a damaged
or missing report from a phone with a delivered and an undelivered package."""

from __future__ import annotations

import pytest
from sms_helpers import Says, get_delivery, rows, seed_delivery

from data.models import Claim
from data.types import DeliveryStatus


async def test_actually_keep_it_after_the_refusal_question_keeps_the_package(
    maria, sms_services, nlu
):
    nlu.script["i don't want this package"] = Says("refuse_delivery")
    nlu.script["actually keep it"] = Says("affirm", confidence=0.65)  # what Rasa says
    delivery_id = await seed_delivery(sms_services)
    assert "send it back to the sender?" in await maria.says("I don't want this package")
    assert "keep DS20461187 coming" in await maria.says("actually keep it")
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.SCHEDULED


async def test_yes_send_it_back_returns_it_and_a_mixed_answer_asks_again(maria, sms_services, nlu):
    nlu.script["send it back"] = Says("refuse_delivery")
    nlu.script["hmm keep it or send it back, idk"] = Says("affirm", confidence=0.5)
    nlu.script["yes send it back"] = Says("affirm")
    delivery_id = await seed_delivery(sms_services)
    await maria.says("send it back")
    assert "Reply YES to confirm" in await maria.says("hmm keep it or send it back, idk")
    assert "will be returned to the sender" in await maria.says("yes send it back")
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.RETURN_TO_SENDER


async def test_a_damaged_box_from_a_phone_with_two_packages_is_about_the_delivered_one(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["the box is crushed"] = Says("report_damaged_package")
    await seed_delivery(sms_services, tracking="DS10000001", status=DeliveryStatus.OUT_FOR_DELIVERY)
    delivered = await seed_delivery(
        sms_services, tracking="DS10000002", status=DeliveryStatus.DELIVERED
    )
    assert "Which package?" in await maria.says("where is my package")
    assert "out for delivery" in await maria.says("1")
    # Talking about the one on the truck; the crushed box is the delivered one.
    assert "photo of the damaged package" in await maria.says("the box is crushed")
    photo = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    assert "opened a claim for DS10000002" in await maria.says("here", media=[photo])
    [claim] = await rows(sms_services, Claim)
    assert claim.delivery_id == delivered and claim.evidence_urls == [photo]


@pytest.mark.parametrize("text", ["1", "2", "#1", "option 2", "14", "keep it or send it back, idk"])
async def test_a_number_or_a_mixed_answer_to_send_it_back_asks_again_after_a_nudge(
    text, maria, sms_services, nlu
):
    nlu.script["send it back"] = Says("refuse_delivery")
    nlu.script[text] = Says("affirm", confidence=0.5)
    delivery_id = await seed_delivery(sms_services)
    asked = await maria.says("send it back")
    assert await maria.says(text) == f"Sorry, please reply YES or NO. {asked}"
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.SCHEDULED


@pytest.mark.parametrize("text", ["1", "2", "the first one"])
async def test_a_number_to_still_missing_asks_again_and_opens_no_claim(
    text, maria, sms_services, nlu
):
    nlu.script["it says delivered but it isn't here"] = Says("report_missing_package")
    nlu.script[text] = Says("affirm", confidence=0.5)
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    assert "Still missing? Reply YES" in await maria.says("it says delivered but it isn't here")
    assert "is the package still missing?" in await maria.says(text)
    assert await rows(sms_services, Claim) == []
