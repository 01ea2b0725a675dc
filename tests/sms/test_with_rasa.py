"""The same conversations with the real Rasa server (intent-level checks, not exact words)."""

from __future__ import annotations

import httpx
import pytest
from sms_helpers import Phone, get_delivery, rows, seed_delivery

from bot.app import create_app
from data.models import DeliveryException, Message
from data.types import DeliveryStatus, Direction

pytestmark = pytest.mark.rasa


@pytest.fixture
async def customer(rasa_services):  # noqa: ANN001, ANN201
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        yield Phone(client, rasa_services, "+12015550123")


async def _intents(services) -> list[str | None]:  # noqa: ANN001
    inbound = await rows(services, Message, Message.direction == Direction.INBOUND)
    return [m.intent for m in sorted(inbound, key=lambda m: m.id)]


async def test_where_is_my_package_with_real_nlu(customer, rasa_services):
    await seed_delivery(rasa_services)
    reply = await customer.says("hey whats the status of my delivery")
    assert "DS20461187" in reply
    assert await _intents(rasa_services) == ["where_is_my_package"]


async def test_a_tracking_number_from_a_stranger_asks_for_proof(rasa_services):
    await seed_delivery(rasa_services)
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        stranger = Phone(client, rasa_services, "+19735550999")
        reply = await stranger.says("where is DS20461187")
    assert "ZIP" in reply and "scheduled" not in reply


async def test_a_rebook_end_to_end_with_real_nlu(customer, rasa_services):
    delivery_id = await seed_delivery(
        rasa_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    offer = await customer.says("can you deliver it another day")
    assert "1)" in offer
    await customer.says("2")
    await customer.says("yes")
    assert (await get_delivery(rasa_services, delivery_id)).status == DeliveryStatus.SCHEDULED


async def test_asking_for_a_person_with_real_nlu(customer, rasa_services):
    await seed_delivery(rasa_services)
    await customer.says("i want to talk to a real person")
    [case] = await rows(rasa_services, DeliveryException)
    assert case.reason_code in ("customer_request", "complaint")


async def test_a_gate_code_with_real_nlu(customer, rasa_services):
    delivery_id = await seed_delivery(rasa_services)
    await customer.says("the gate code is 4471, leave it at the back door")
    delivery = await get_delivery(rasa_services, delivery_id)
    assert delivery.access_code == "4471"
    assert "4471" not in (delivery.instructions or "")
