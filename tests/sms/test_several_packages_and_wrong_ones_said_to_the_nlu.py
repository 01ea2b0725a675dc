"""With the real Rasa server: the ways customers ask about all their packages, pick one of the
list, or say the package they got is someone else's, read as they mean them."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sms_helpers import Phone, count, rows, seed_delivery

from bot.app import create_app
from data.models import Claim, DeliveryException
from data.types import DeliveryStatus

pytestmark = pytest.mark.rasa

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 4, 13, 43, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/DS32887490.jpg"],
}
REFUSED = {"status": DeliveryStatus.RETURN_TO_SENDER, "failure_reason": "refused"}


@pytest.fixture
async def customer(rasa_services):  # noqa: ANN001, ANN201
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        yield Phone(client, rasa_services, "+12015550123")


async def _sams_two(services) -> None:  # noqa: ANN001
    await seed_delivery(services, tracking="DS32887490", **DELIVERED)
    await seed_delivery(services, tracking="DS44279345", **REFUSED)


@pytest.mark.parametrize(
    "text",
    [
        "where are my packages",
        "where are my orders",
        "status of my deliveries",
        "where are both my packages",
        "what about my packages?",
        "any update on my orders",
        "can you check on both packages",
        "did both of my packages arrive?",
        "when will my packages arrive",
    ],
)
async def test_all_of_them_asked_answers_each(customer, rasa_services, text):
    await _sams_two(rasa_services)
    reply = await customer.says(text)
    assert reply.startswith("Your packages: 1) DS32887490 delivered")
    assert "2) DS44279345 going back to the sender (it was refused)." in reply


async def test_all_of_them_asked_in_spanish_answers_each(customer, rasa_services):
    await _sams_two(rasa_services)
    reply = await customer.says("¿dónde están mis paquetes?")
    assert reply.startswith("Sus paquetes: 1) DS32887490 entregado")


@pytest.mark.parametrize("text", ["both", "all of them", "both of them"])
async def test_both_to_which_package_answers_each(customer, rasa_services, text):
    await _sams_two(rasa_services)
    assert (await customer.says("where is my package")).startswith("Which package?")
    assert (await customer.says(text)).startswith("Your packages: 1) DS32887490")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("the second one", "DS44279345 is being returned"),
        ("the 2nd", "DS44279345 is being returned"),
        ("the one that was refused", "DS44279345 is being returned"),
        ("the first one", "DS32887490 was delivered"),
    ],
)
async def test_a_package_of_the_list_is_picked(customer, rasa_services, text, answer):
    await _sams_two(rasa_services)
    await customer.says("where are my packages")
    assert (await customer.says(text)).startswith(answer)


async def test_el_segundo_picks_the_second(customer, rasa_services):
    await _sams_two(rasa_services)
    await customer.says("¿dónde están mis paquetes?")
    assert (await customer.says("el segundo")).startswith("DS44279345 se esta devolviendo")


async def test_send_it_back_after_picking_is_about_the_one_picked(customer, rasa_services):
    await seed_delivery(rasa_services, tracking="DS32887490", **DELIVERED)
    await seed_delivery(rasa_services, tracking="DS55555555")
    await customer.says("where are my packages")
    assert (await customer.says("the second one")).startswith("DS32887490 was delivered")
    reply = await customer.says("I don't want it anymore, send it back")
    assert "DS32887490" in reply and "DS55555555" not in reply


@pytest.mark.parametrize(
    "text",
    [
        "the package I got isn't mine, it has someone else's name on it",
        "they delivered the wrong package",
        "this box is for my neighbor at 45 Elm",
        "i got someone elses package",
        "wrong package delivered to me",
        "me entregaron un paquete que no es mío",
        "hey the box on my porch has a different name and address on it",
        "I think the driver gave me someone else's parcel",
        "this package belongs to the house next door",
    ],
)
async def test_someone_elses_package_goes_to_dispatch(customer, rasa_services, text):
    await seed_delivery(rasa_services, tracking="DS20461187", **DELIVERED)
    reply = await customer.says(text)
    assert "DS20461187" in reply and "neighbors" not in reply and "vecinos" not in reply
    [case] = await rows(rasa_services, DeliveryException)
    assert (case.type, case.reason_code) == ("misdelivery", "wrong_item_received")
    assert await count(rasa_services, Claim) == 0
