"""With the real Rasa server: hours said to a proposed window keep its day, a day off that
leaves the booking is noted, questions about the service are answered from the policy, and
"never mind" after a person was promised is acknowledged. It is Tuesday, March 4 2025."""

from __future__ import annotations

import httpx
import pytest
from sms_helpers import Phone, seed_delivery

from bot.app import create_app
from data.types import DeliveryStatus

pytestmark = pytest.mark.rasa


@pytest.fixture
async def phone(rasa_services):  # noqa: ANN001, ANN201
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        yield Phone(client, rasa_services, "+12015550123")


async def test_the_afternoon_one_keeps_the_day_proposed(phone, rasa_services):
    await seed_delivery(rasa_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Thu Mar 6, 8-10am?" in await phone.says("thursday works")
    assert "Thu Mar 6, 12-2pm?" in await phone.says("the afternoon one")
    assert "Thu Mar 6, 2-4pm?" in await phone.says("later that day")


async def test_a_day_off_that_leaves_the_booking_is_noted(phone, rasa_services):
    await seed_delivery(rasa_services, business_name="Whitfield Dental Studio")
    reply = await phone.says("Also we are closed next monday for the holiday")
    assert reply.startswith("Noted: we won't come Mon Mar 10."), reply


@pytest.mark.parametrize(
    "text",
    [
        "do you deliver on weekends?",
        "what days do you deliver",
        "what's the latest time you deliver",
        "how early do drivers start",
    ],
)
async def test_questions_about_the_service_with_the_real_nlu(text, phone, rasa_services):
    await seed_delivery(rasa_services)
    assert (await phone.says(text)).startswith("We deliver Mon-Sat 8am-8pm")


async def test_never_mind_after_a_person_was_promised(phone, rasa_services):
    await seed_delivery(rasa_services)
    assert "person" in await phone.says("I want to talk to a person")
    assert await phone.says("ok then never mind") == "OK. If you still need us, just text."
    assert (await phone.says("who is this?")).startswith("This is Doorstep Deliveries")
