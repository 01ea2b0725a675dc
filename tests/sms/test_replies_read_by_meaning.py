"""Customers' replies read by what they mean, with the real Rasa server: a "no" that says the
package is still missing, a package picked by its description, a new request in the middle of
a question, and a question about the gate code that is answered, not saved."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sms_helpers import Phone, count, get_delivery, rows, seed_delivery

from bot.app import create_app
from data.models import Claim, DeliveryException, Message
from data.types import ClaimStatus, DeliveryStatus, Direction

pytestmark = pytest.mark.rasa

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 4, 13, 43, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/DS43308245.jpg"],
}
PHOTO = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


@pytest.fixture
async def customer(rasa_services):  # noqa: ANN001, ANN201
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        yield Phone(client, rasa_services, "+12015550123")


async def _claims(services) -> list[Claim]:  # noqa: ANN001
    return await rows(services, Claim)


# --- "Still missing? Reply YES" ----------------------------------------------------------------


async def _missing_asked(customer, services) -> None:  # noqa: ANN001
    await seed_delivery(services, tracking="DS43308245", **DELIVERED)
    check = await customer.says(
        "It says delivered but theres nothing at my door. I checked everywhere"
    )
    assert "Still missing? Reply YES" in check


@pytest.mark.parametrize(
    "text",
    [
        "no that is not my porch in the photo",
        "no, it's not here",
        "no that's not my house",
        "still nothing",
        "not in the photo",
        "wrong house",
        "Nope. That isn't even my building",
        "no, I never got it",
        "the door in that picture isn't ours",
        "no thats someone elses porch",
        "nope, still haven't found it",
        "yes",
    ],
)
async def test_a_reply_that_says_it_is_still_missing_opens_a_claim(customer, rasa_services, text):
    await _missing_asked(customer, rasa_services)
    assert "opened a claim for DS43308245" in await customer.says(text)
    [claim] = await _claims(rasa_services)
    assert (claim.kind, claim.status) == ("missing", ClaimStatus.OPEN)
    assert text in claim.description


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "nope",
        "found it",
        "got it, thanks",
        "no I found it, it was behind the planter",
        "nah all good, my neighbor had it",
        "never mind, it showed up",
        "my wife picked it up, sorry",
    ],
)
async def test_a_reply_that_says_it_was_found_closes_without_a_claim(customer, rasa_services, text):
    await _missing_asked(customer, rasa_services)
    assert "Glad to hear it" in await customer.says(text)
    assert await _claims(rasa_services) == []


async def test_a_no_we_cannot_read_is_asked_again_and_the_answer_opens_the_claim(
    customer, rasa_services
):
    await _missing_asked(customer, rasa_services)
    again = await customer.says("no, my cousin was going to look")
    assert "still missing?" in again and "NO if you found it" in again
    assert await _claims(rasa_services) == []
    assert "opened a claim" in await customer.says("yes")


async def test_ok_ill_check_keeps_the_question_open_until_it_is_answered(customer, rasa_services):
    await _missing_asked(customer, rasa_services)
    assert "reply YES" in await customer.says("ok I'll check with the neighbors")
    assert await _claims(rasa_services) == []
    assert "opened a claim" in await customer.says("checked with them, still not there")


async def test_instructions_after_the_missing_question_are_not_read_as_found(
    customer, rasa_services
):
    await _missing_asked(customer, rasa_services)
    assert "Glad" not in await customer.says("can you leave it at the side door next time?")
    assert await _claims(rasa_services) == []


# --- the other yes/no questions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "returned"),
    [
        ("yes", True),
        ("no, I don't want it", True),
        ("I never ordered this, send it back", True),
        ("please return it to the sender", True),
        ("no", False),
        ("no wait keep it", False),
        ("don't send it back, I'll take it", False),
        ("never mind", False),
    ],
)
async def test_the_refusal_question_is_answered_by_meaning(customer, rasa_services, text, returned):
    delivery_id = await seed_delivery(rasa_services)
    assert "send it back to the sender?" in await customer.says(
        "I dont want this package, please send it back"
    )
    reply = await customer.says(text)
    status = (await get_delivery(rasa_services, delivery_id)).status
    if returned:
        assert "will be returned" in reply and status == DeliveryStatus.RETURN_TO_SENDER
    else:
        assert "keep DS20461187 coming" in reply and status == DeliveryStatus.SCHEDULED


@pytest.mark.parametrize(
    ("text", "booked"),
    [
        ("yes", True),
        ("sounds good", True),
        ("yep that works", True),
        ("yes wednesday is fine", True),
        ("no, I won't be home then", False),
        ("that doesn't work for me", False),
    ],
)
async def test_the_rebook_confirmation_is_answered_by_meaning(
    customer, rasa_services, text, booked
):
    delivery_id = await seed_delivery(
        rasa_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    assert "1)" in await customer.says("can you deliver it another day")
    assert "Reply YES to confirm" in await customer.says("2")
    reply = await customer.says(text)
    delivery = await get_delivery(rasa_services, delivery_id)
    if booked:
        assert "rebooked" in reply and delivery.status == DeliveryStatus.SCHEDULED
    else:
        assert "1)" in reply and delivery.status == DeliveryStatus.FAILED_ATTEMPT


async def test_no_to_the_address_question_keeps_it_and_a_no_with_an_address_changes_it(
    customer, rasa_services
):
    delivery_id = await seed_delivery(rasa_services)
    assert "new delivery address" in await customer.says("i need to change my address")
    assert "keep the address" in await customer.says("no never mind")
    assert "new delivery address" in await customer.says("i need to change my address")
    assert "40 Park Ave" in await customer.says("no, it's 40 park ave 07030")
    assert (await get_delivery(rasa_services, delivery_id)).address_line1 == "40 Park Ave"


# --- which package: picked by its description -------------------------------------------------


async def _two_packages(customer, services) -> None:  # noqa: ANN001
    await seed_delivery(services, tracking="DS28450496", status=DeliveryStatus.OUT_FOR_DELIVERY)
    await seed_delivery(services, tracking="DS50103756", **DELIVERED)
    assert "Which package?" in await customer.says("where's my stuff")


@pytest.mark.parametrize(
    "text",
    [
        "the one that's not delivered yet",
        "the one on the way",
        "the one that hasn't come",
        "the last 4 digits 0496",
        "the one still coming",
        "the first",
        "the one I haven't received",
        "ends in 496",
        "not the delivered one, the other",
    ],
)
async def test_the_package_still_coming_is_picked_by_its_description(customer, rasa_services, text):
    await _two_packages(customer, rasa_services)
    assert (await customer.says(text)).startswith("DS28450496 is out for delivery")


@pytest.mark.parametrize(
    "text", ["the delivered one", "the one that already arrived", "3756", "the second one"]
)
async def test_the_delivered_package_is_picked_by_its_description(customer, rasa_services, text):
    await _two_packages(customer, rasa_services)
    assert (await customer.says(text)).startswith("DS50103756 was delivered")


async def test_the_other_one_is_the_package_we_were_not_talking_about(customer, rasa_services):
    await _two_packages(customer, rasa_services)
    assert (await customer.says("1")).startswith("DS28450496")
    assert (await customer.says("and what about the other one?")).startswith("DS50103756")
    assert (await customer.says("ok and the one on the truck")).startswith("DS28450496")
    # "the other" after a description is the one described, not the one we last talked about
    assert (await customer.says("not the delivered one, the other")).startswith("DS28450496")


async def test_a_reply_that_picks_nothing_gets_the_list_again(customer, rasa_services):
    await _two_packages(customer, rasa_services)
    assert "Which package?" in await customer.says("hmm not sure")
    assert (await customer.says("the one on the truck")).startswith("DS28450496")


# --- a new request leaves the question; a claim needs something about the damage --------------


async def test_a_rebook_after_the_photo_question_is_a_rebook_and_opens_no_claim(
    customer, rasa_services
):
    # Out for delivery: handed over a moment ago, before the driver's scan says delivered.
    await seed_delivery(rasa_services, status=DeliveryStatus.OUT_FOR_DELIVERY)
    assert "photo of the damaged package" in await customer.says(
        "the box arrived smashed, the corner is crushed and the item inside is broken"
    )
    reply = await customer.says(
        "Can you deliver Monday instead? We're closed for inventory tomorrow"
    )
    # Read as a rebook (one on the road is for a person), not as the damage story going on.
    assert "can't be rebooked now" in reply and "photo" not in reply
    assert await _claims(rasa_services) == []


async def test_a_stray_number_after_the_photo_question_opens_no_claim(customer, rasa_services):
    await seed_delivery(rasa_services, **DELIVERED)
    await customer.says("my package came damaged, the box is crushed")
    assert "reply with a photo of the damage" in await customer.says("2")
    await customer.says("2")
    assert await _claims(rasa_services) == []


@pytest.mark.parametrize(
    "text",
    [
        "I don't have a photo",
        "no, threw the box out already",
        "can't take a pic right now",
        "the glass inside is shattered too",
    ],
)
async def test_no_photo_or_a_description_opens_the_claim_awaiting_a_photo(
    customer, rasa_services, text
):
    await seed_delivery(rasa_services, **DELIVERED)
    await customer.says("my package came damaged, the box is crushed")
    assert "opened a claim" in await customer.says(text)
    [claim] = await _claims(rasa_services)
    assert (claim.kind, claim.status) == ("damaged", ClaimStatus.AWAITING_EVIDENCE)


async def test_a_photo_promised_for_later_is_waited_for(customer, rasa_services):
    await seed_delivery(rasa_services, **DELIVERED)
    await customer.says("my package came damaged, the box is crushed")
    assert "send the photo when you can" in await customer.says("ok I'll send one later")
    assert await _claims(rasa_services) == []
    assert "opened a claim" in await customer.says("here", media=[PHOTO])
    [claim] = await _claims(rasa_services)
    assert claim.evidence_urls == [PHOTO]


async def test_where_is_it_after_the_refusal_question_answers_that_and_refuses_nothing(
    customer, rasa_services
):
    delivery_id = await seed_delivery(rasa_services)
    await customer.says("I dont want this package, please send it back")
    assert "is scheduled for" in await customer.says("wait, when is it supposed to arrive?")
    assert (await get_delivery(rasa_services, delivery_id)).status == DeliveryStatus.SCHEDULED


async def test_a_rebook_after_the_address_question_is_a_rebook(customer, rasa_services):
    await seed_delivery(rasa_services)
    assert "new delivery address" in await customer.says("i need to change my address")
    assert "Mon Mar 10" in await customer.says("actually can you just deliver it monday instead")


async def test_a_question_instead_of_the_zip_is_asked_again_and_not_counted(
    rasa_services,
):
    await seed_delivery(rasa_services)
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        stranger = Phone(client, rasa_services, "+19735550999")
        assert "ZIP" in await stranger.says("where is DS20461187")
        assert "ZIP" in await stranger.says("can you just tell me when it will be delivered")
        assert await rasa_services.redis.get_count("verify-fail:+19735550999") == 0
        assert "is scheduled for" in await stranger.says("07030")


# --- questions about the gate code are answered, never saved and never told the code ----------


@pytest.mark.parametrize(
    "text",
    [
        "ok and the driver knows the buzzer code right?",
        "what is the code you have on file",
        "does the driver have my gate code?",
        "do you guys have our gate code",
        "is there a code on file for my building",
        "did the driver get the code?",
    ],
)
async def test_a_question_about_the_code_on_file_says_there_is_one_without_saying_it(
    customer, rasa_services, text
):
    delivery_id = await seed_delivery(rasa_services, on_route_today=True, access_code="4471")
    reply = await customer.says(text)
    assert "access code on file for DS20461187" in reply and "today's driver has it" in reply
    assert "4471" not in reply
    delivery = await get_delivery(rasa_services, delivery_id)
    assert (delivery.access_code, delivery.instructions) == ("4471", None)


async def test_the_code_question_after_we_asked_for_instructions_is_not_saved(
    customer, rasa_services
):
    delivery_id = await seed_delivery(rasa_services, on_route_today=True, access_code="4471")
    assert "Reply with your instructions" in await customer.says("how do I add a gate code")
    reply = await customer.says("what is the code you have on file")
    assert "access code on file" in reply and "saved" not in reply
    assert (await get_delivery(rasa_services, delivery_id)).instructions is None
    outbound = await rows(rasa_services, Message, Message.direction == Direction.OUTBOUND)
    assert outbound and all("4471" not in m.body for m in outbound)
    assert await count(rasa_services, DeliveryException) == 0


async def test_no_code_on_file_says_so_and_asks_for_it(customer, rasa_services):
    delivery_id = await seed_delivery(rasa_services)
    reply = await customer.says("does the driver have my gate code?")
    assert "don't have a gate or door code on file" in reply
    await customer.says("it's 2580#")
    assert (await get_delivery(rasa_services, delivery_id)).access_code == "2580"


async def test_a_question_about_the_instructions_on_file_is_answered(customer, rasa_services):
    await seed_delivery(rasa_services, instructions="Leave it with the doorman")
    reply = await customer.says("do you have my delivery instructions?")
    assert "instructions on file for DS20461187" in reply


@pytest.mark.parametrize(
    "text",
    [
        "does the driver know to buzz 2?",
        "did you tell the driver about the side door?",
        "is the driver aware we have a dog in the yard",
        "does the delivery guy know to ring the bell twice",
    ],
)
async def test_asking_whether_the_driver_knows_is_answered_not_saved(customer, rasa_services, text):
    delivery_id = await seed_delivery(
        rasa_services, on_route_today=True, instructions="Buzz 2, then the side door."
    )
    reply = await customer.says(text)
    assert "instructions on file for DS20461187" in reply, reply
    delivery = await get_delivery(rasa_services, delivery_id)
    assert delivery.instructions == "Buzz 2, then the side door."
