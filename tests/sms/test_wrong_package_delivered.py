"""Someone else's package delivered to the customer: a case for dispatch to collect it, the
customer asked to keep it aside until a person texts; their own, if it shows delivered, is
looked into with it. The NLU reads these as a missing package: the words decide."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sms_helpers import Says, count, rows, seed_delivery

from bot.sms.segments import segments
from data.models import Claim, Conversation, DeliveryException
from data.types import DeliveryStatus
from flows.misdelivery import received_someone_elses

MISSING = Says("report_missing_package", confidence=0.66)  # what the trained model reads
DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 4, 13, 43, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/DS20461187.jpg"],
}
SAID = [
    "the package I got isn't mine, it has someone else's name on it",
    "they delivered the wrong package",
    "this box is for my neighbor at 45 Elm",
    "I got my neighbor's package",
    "wrong package delivered to me",
    "I received a package that's not mine",
    "got a box addressed to someone else",
    "there's a package on my porch with someone else's name",
    "the box you left is for 45 Elm St",
    "hey the box on my porch has a different name and address on it",
    "I think the driver gave me someone else's parcel",
    "this package belongs to the house next door",
    "the driver handed me a box for 12 Oak St",
]
SAID_IN_SPANISH = [
    "me entregaron un paquete que no es mío",
    "recibí un paquete de otra persona",
    "me dejaron la caja del vecino",
    "el paquete que llegó no es mío, tiene otro nombre",
    "recibí una caja que es para otra persona",
]


@pytest.mark.parametrize("text", SAID)
async def test_someone_elses_package_opens_a_case_for_dispatch(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = MISSING
    delivery_id = await seed_delivery(sms_services)  # their own, still to come
    reply = await maria.says(text)
    assert reply == (
        "Sorry about that! Please keep that package aside: a person from our team will text "
        "you within 2 hours to have a driver collect it."
    )
    [case] = await rows(sms_services, DeliveryException)
    assert (case.type, case.reason_code) == ("misdelivery", "wrong_item_received")
    assert case.delivery_id == delivery_id and "not theirs" in case.summary
    assert case.details["transcript"][0] == {"from": "customer", "text": text}
    assert await count(sms_services, Claim) == 0
    [thread] = await rows(sms_services, Conversation)
    assert thread.status == "handed_off"  # a person carries it from here


async def test_their_own_package_shown_delivered_is_looked_into_too(maria, sms_services, nlu):
    text = "the package I got isn't mine, it has someone else's name on it"
    nlu.script[text.lower()] = MISSING
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    reply = await maria.says(text)
    assert "keep that package aside" in reply and "neighbors" not in reply
    assert "Your own package DS20461187 shows as delivered, so we're looking into it too." in reply
    assert segments(reply) <= 2
    [case] = await rows(sms_services, DeliveryException)
    assert case.delivery_id == delivery_id and "their own package shows delivered" in case.summary


@pytest.mark.parametrize("text", SAID_IN_SPANISH)
async def test_in_spanish_the_same(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("report_missing_package", confidence=0.92, language="es")
    await seed_delivery(sms_services, **DELIVERED)
    reply = await maria.says(text)
    assert reply.startswith("Disculpe la molestia. Por favor guarde ese paquete aparte")
    assert "Su propio paquete DS20461187 figura como entregado" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "wrong_item_received"


async def test_with_one_of_theirs_on_todays_route_its_driver_can_collect_it(
    maria, sms_services, nlu
):
    nlu.script["they delivered the wrong package"] = MISSING
    await seed_delivery(sms_services, tracking="DS10000001")
    passing = await seed_delivery(
        sms_services,
        tracking="DS10000002",
        status=DeliveryStatus.OUT_FOR_DELIVERY,
        on_route_today=True,
    )
    reply = await maria.says("they delivered the wrong package")
    assert "keep that package aside" in reply and "DS1000000" not in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.delivery_id == passing and "its driver can collect it" in case.summary


async def test_a_phone_with_no_delivery_still_gets_a_person(stranger, sms_services, nlu):
    nlu.script["they delivered the wrong package"] = MISSING
    reply = await stranger.says("they delivered the wrong package")
    assert "keep that package aside" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.delivery_id is None and case.summary.startswith("no delivery on this phone")


async def test_said_after_the_missing_question_it_is_not_a_yes(maria, sms_services, nlu):
    nlu.script["it says delivered but it's not here"] = MISSING
    text = "actually the box they left isn't mine, it has another name on it"
    nlu.script[text] = Says("affirm", confidence=0.7)
    await seed_delivery(sms_services, **DELIVERED)
    assert "Still missing? Reply YES" in await maria.says("it says delivered but it's not here")
    assert "keep that package aside" in await maria.says(text)
    assert await count(sms_services, Claim) == 0
    [case] = await rows(sms_services, DeliveryException)
    assert case.type == "misdelivery"


async def test_their_own_package_missing_is_still_a_missing_package(maria, sms_services, nlu):
    nlu.script["my package was delivered to my neighbor"] = MISSING
    await seed_delivery(sms_services, **DELIVERED)
    reply = await maria.says("my package was delivered to my neighbor")
    assert "Still missing? Reply YES" in reply
    assert await count(sms_services, DeliveryException) == 0


@pytest.mark.parametrize(
    "text",
    [
        "my package was delivered to my neighbor",
        "you delivered my package to the wrong address",
        "leave it with my neighbor at 45 Elm",
        "leave it for my neighbor",
        "it says delivered but it's not here",
        "my package went to someone else's house",
        "the driver gave my box to someone else",
        "the neighbor has my package",
        "lo entregaron en la casa del vecino",
        "the window is for 2 pm, I got the text",
        "I never got my package",
        "I think I have the wrong package number",
        "you texted me about the wrong package",
        "my package has the wrong address on it",
        "can I put a different name on the delivery?",
        "I have a different name than the one on the account",
    ],
)
def test_their_own_package_gone_elsewhere_or_instructions_are_not_read_so(text):
    assert not received_someone_elses(text)
