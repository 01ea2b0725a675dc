"""An address corrected by SMS is on the delivery's record: a status question days later, the
conversation long gone, says the address was fixed and what happens next."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sms_helpers import NOW, Phone, Says, get_delivery, rows, seed_delivery

from bot.app import create_app
from data.models import DeliveryEvent, OutboxEvent
from data.types import DeliveryStatus

NO_UNIT = {
    "status": DeliveryStatus.FAILED_ATTEMPT,
    "attempts": 1,
    "failure_reason": "address_incorrect_or_incomplete",
}


async def _conversation_expires(phone: Phone) -> None:
    """What CONVERSATION_TTL_SECONDS does to a quiet phone: its conversation state is gone."""
    await phone.services.redis.delete_session(f"sms:{phone.number}")


@pytest.mark.parametrize(
    ("unit", "where", "language", "said"),
    [
        ("it's apt 4b", "where is my package?", "en", "We have your full address for DS20461187"),
        ("es el apt 4b", "donde esta mi paquete?", "es", "Ya tenemos su direccion completa"),
    ],
)
async def test_a_unit_given_by_sms_is_still_known_when_the_conversation_has_expired(
    sms_services_any_db, unit, where, language, said
):
    services = sms_services_any_db
    services.nlu.script.update(
        {
            unit: Says("change_address", language=language, entities={"address": "apt 4b"}),
            where: Says("where_is_my_package", language=language),
        }
    )
    delivery_id = await seed_delivery(services, **NO_UNIT)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(services=services)),
        base_url="http://app.internal",
    )
    customer = Phone(client, services, "+12015550123")
    async with client:
        assert "12 Hudson St, Apt 4B" in await customer.says(unit)
        await _conversation_expires(customer)
        customer.now += timedelta(days=2)
        reply = await customer.says(where)
    assert said in reply and "12 Hudson St, Apt 4B" in reply
    assert "RESCHEDULE" in reply or "CAMBIAR" in reply
    assert "incomplete" not in reply and "incompleta" not in reply
    delivery = await get_delivery(services, delivery_id)
    assert delivery.address_corrected_at == NOW
    assert delivery.failure_reason == "address_incorrect_or_incomplete"  # why it failed, kept
    [event] = await rows(services, DeliveryEvent, DeliveryEvent.delivery_id == delivery_id)
    assert (event.type, event.source, event.payload["what"]) == ("updated", "sms", "address")
    assert event.payload["changes"]["address_corrected_at"] == NOW.isoformat()


async def test_dispatch_hears_that_the_address_was_corrected(maria, sms_services, nlu):
    nlu.script["it's apt 4b"] = Says("change_address", entities={"address": "apt 4b"})
    await seed_delivery(sms_services, **NO_UNIT)
    await maria.says("it's apt 4B")
    [update] = await rows(sms_services, OutboxEvent, OutboxEvent.topic == "delivery.updated")
    assert update.payload["changed"] == ["address_corrected_at", "address_line2"]


async def test_right_after_the_unit_a_status_question_says_what_is_next(maria, sms_services, nlu):
    nlu.script["where is my package?"] = Says("where_is_my_package")
    nlu.script["apt 4b"] = Says("inform", confidence=0.5)
    await seed_delivery(sms_services, **NO_UNIT)
    assert "the address was incomplete" in await maria.says("where is my package?")
    assert "Done: we'll deliver to 12 Hudson St, Apt 4B" in await maria.says("apt 4B")
    reply = await maria.says("where is my package?")
    assert "We have your full address for DS20461187 now (12 Hudson St, Apt 4B)" in reply


async def test_a_later_attempt_that_fails_for_the_address_asks_for_it_again(
    maria, sms_services, nlu
):
    nlu.script["where is my package?"] = Says("where_is_my_package")
    await seed_delivery(
        sms_services,
        **NO_UNIT,
        address_line2="Apt 4B",
        address_corrected_at=NOW - timedelta(days=2),
        status_changed_at=NOW - timedelta(hours=1),  # failed again since the correction
    )
    assert "the address was incomplete" in await maria.says("where is my package?")


async def test_a_correction_before_the_attempt_failed_is_not_taken_as_the_fix(
    maria, sms_services, nlu
):
    nlu.script["where is my package?"] = Says("where_is_my_package")
    await seed_delivery(
        sms_services,
        **NO_UNIT,
        address_corrected_at=NOW - timedelta(days=3),
        status_changed_at=NOW - timedelta(days=1),
    )
    reply = await maria.says("where is my package?")
    assert "the address was incomplete" in reply and "We have your full address" not in reply


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("es el apartamento 4b", "apartamento 4b"),
        ("es el apto. 4b", "apto. 4b"),
        ("depto 4b", "depto 4b"),
        ("departamento 4b", "departamento 4b"),
    ],
)
async def test_a_unit_said_in_spanish_is_taken(maria, sms_services, nlu, text, address):
    nlu.script[text] = Says("change_address", language="es", entities={"address": address})
    delivery_id = await seed_delivery(sms_services, **NO_UNIT)
    assert "12 Hudson St, Apt 4B" in await maria.says(text)
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == "Apt 4B"
