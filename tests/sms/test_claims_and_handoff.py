"""Missing and damaged packages become claims; people take over when the bot should not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sms_helpers import Says, count, rows, seed_delivery

from data.models import Claim, DeliveryException, Message
from data.types import ClaimStatus, DeliveryStatus, Direction

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 3, 19, 14, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/abc.jpg"],
}


async def test_missing_checks_the_photo_and_neighbours_then_opens_a_claim(maria, sms_services, nlu):
    nlu.script["it says delivered but it's not here"] = Says("report_missing_package")
    nlu.script["yes"] = Says("affirm")
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    check = await maria.says("it says delivered but it's not here")
    assert "Mon Mar 3 at 2:14pm" in check and "pod.example" in check and "neighbors" in check
    assert await count(sms_services, Claim) == 0
    assert "opened a claim" in await maria.says("yes")
    [claim] = await rows(sms_services, Claim)
    assert (claim.delivery_id, claim.kind, claim.status) == (
        delivery_id,
        "missing",
        ClaimStatus.OPEN,
    )
    [case] = await rows(sms_services, DeliveryException)
    assert case.type == "claim" and claim.exception_id == case.id


async def test_a_found_package_opens_no_claim(maria, sms_services, nlu):
    nlu.script["missing package"] = Says("report_missing_package")
    nlu.script["no, found it"] = Says("deny")
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("missing package")
    assert "Glad" in await maria.says("no, found it")
    assert await count(sms_services, Claim) == 0


async def test_damaged_asks_for_a_photo_and_files_it_as_evidence(maria, sms_services, nlu):
    nlu.script["the box is crushed"] = Says("report_damaged_package")
    nlu.script[""] = Says("inform")
    await seed_delivery(sms_services, **DELIVERED)
    assert "photo" in await maria.says("the box is crushed")
    photo = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    assert "opened a claim" in await maria.says("", media=[photo])
    [claim] = await rows(sms_services, Claim)
    assert claim.kind == "damaged" and claim.evidence_urls == [photo]
    [inbound] = await rows(
        sms_services, Message, Message.direction == Direction.INBOUND, Message.body == ""
    )
    assert inbound.media_urls == [photo]


async def test_asking_for_a_person_opens_a_case_with_the_transcript(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["i want to talk to a real person"] = Says("request_human")
    delivery_id = await seed_delivery(sms_services)
    await maria.says("where is my package")
    reply = await maria.says("I want to talk to a real person")
    assert "within 2 hours" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.delivery_id == delivery_id and case.reason_code == "customer_request"
    said = [turn["text"] for turn in case.details["transcript"]]
    assert said[0] == "where is my package" and said[-1] == "I want to talk to a real person"
    assert any("scheduled" in text for text in said)


async def test_a_complaint_goes_to_a_person(maria, sms_services, nlu):
    nlu.script["your driver threw my package"] = Says("complain")
    await seed_delivery(sms_services)
    assert "person" in await maria.says("your driver threw my package")
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "complaint"


async def test_two_turns_not_understood_in_a_row_go_to_a_person(maria, sms_services):
    assert "didn't get that" in await maria.says("blorp")
    assert await count(sms_services, DeliveryException) == 0
    assert "person" in await maria.says("zzzz qqq")
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "not_understood"


async def test_when_the_nlu_is_down_the_message_is_kept_for_a_person(maria, sms_services, nlu):
    nlu.down = True
    reply = await maria.says("where's my stuff")
    assert "person" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "nlu_unavailable"
    assert case.details["transcript"][0]["text"] == "where's my stuff"


async def test_a_slow_turn_gets_a_short_answer_and_is_kept_for_a_person(maria, sms_services, nlu):
    sms_services.settings.sms_reply_deadline_seconds = 0.5
    nlu.delay = 5.0
    reply = await maria.says("where is it")
    assert "person will reply" in reply
    for _ in range(100):  # the case is opened in the background, after the answer
        if await count(sms_services, DeliveryException):
            break
        await asyncio.sleep(0.02)
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "reply_deadline"
    assert await count(sms_services, Message, Message.direction == Direction.INBOUND) == 1


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (DeliveryStatus.SCHEDULED, None),
        (DeliveryStatus.CREATED, None),
        (DeliveryStatus.FAILED_ATTEMPT, "recipient_unavailable"),
        (DeliveryStatus.HELD_FOR_PICKUP, None),
    ],
)
async def test_damage_reported_on_a_package_still_to_come_opens_no_claim(
    maria, sms_services, nlu, status, reason
):
    nlu.script["my package arrived all smashed up"] = Says("report_damaged_package")
    await seed_delivery(sms_services, status=status, failure_reason=reason)
    reply = await maria.says("my package arrived all smashed up")
    assert "hasn't been delivered yet" in reply and "AGENT" in reply
    assert "photo" not in reply
    assert await count(sms_services, Claim) == 0


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (DeliveryStatus.OUT_FOR_DELIVERY, None),  # handed over; the driver's scan not in yet
        (DeliveryStatus.ARRIVING, None),
    ],
)
async def test_damage_on_a_package_being_handed_over_or_reported_damaged_is_taken(
    maria, sms_services, nlu, status, reason
):
    nlu.script["the box is crushed"] = Says("report_damaged_package")
    await seed_delivery(sms_services, status=status, failure_reason=reason)
    assert "photo" in await maria.says("the box is crushed")


async def test_damage_on_a_package_the_carrier_kept_as_damaged_points_to_a_person(
    maria, sms_services, nlu
):
    nlu.script["it arrived broken?? what happened"] = Says("report_damaged_package")
    await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, failure_reason="damaged"
    )
    reply = await maria.says("it arrived broken?? what happened")
    assert "damaged on the way" in reply and "AGENT" in reply and "photo" not in reply
    assert await count(sms_services, Claim) == 0


@pytest.mark.parametrize(
    "text",
    [
        "wrong house in the pic. thats not my porch",
        "that's not my front door in the delivery photo, where is my package",
        "the picture shows the wrong building, I never got it",
        "no me llego, esa no es mi puerta",
    ],
)
async def test_missing_with_the_photo_already_seen_opens_the_claim_at_once(
    maria, sms_services, nlu, text
):
    nlu.script[text.lower()] = Says("report_missing_package")
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    assert "opened a claim" in await maria.says(text)
    [claim] = await rows(sms_services, Claim)
    assert (claim.delivery_id, claim.kind) == (delivery_id, "missing")


async def test_missing_without_a_word_about_the_photo_still_checks_it_first(
    maria, sms_services, nlu
):
    nlu.script["my package isnt here"] = Says("report_missing_package")
    await seed_delivery(sms_services, **DELIVERED)
    assert "Still missing? Reply YES" in await maria.says("my package isnt here")
    assert await count(sms_services, Claim) == 0


@pytest.mark.parametrize(
    "text",
    [
        "got one box but theres supposed to be 2",
        "I only received one of my packages",
        "where's the other one? only one came",
    ],
)
async def test_half_an_order_delivered_says_the_other_is_on_its_way(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("report_missing_package")
    await seed_delivery(sms_services, tracking="DS20461187", **DELIVERED)
    await seed_delivery(sms_services, tracking="DS20461188", status=DeliveryStatus.OUT_FOR_DELIVERY)
    reply = await maria.says(text)
    assert "DS20461187 was delivered; your other package is still on its way" in reply, reply
    assert "DS20461188 is out for delivery" in reply
    assert await count(sms_services, Claim) == 0
