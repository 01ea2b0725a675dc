"""Asking for money back is answered (the store refunds; a person for a lost or damaged
package or an open claim), and "how many stops before me?" is a status question, not an
opt-out."""

from __future__ import annotations

import pytest
from sms_helpers import Says, count, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus

A_PERSON = "a person will text you within"


@pytest.mark.parametrize(
    "text", ["will I get my money back?", "I want a refund", "can i get reimbursed"]
)
async def test_a_package_going_back_is_refunded_by_the_store(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("out_of_scope", confidence=0.36)
    await seed_delivery(sms_services, status=DeliveryStatus.RETURN_TO_SENDER)
    reply = await maria.says(text)
    assert "on its way back to the store" in reply and "refunds you" in reply, reply
    assert await count(sms_services, DeliveryException) == 0


async def test_a_refund_for_a_package_on_its_way_points_to_the_store(maria, sms_services, nlu):
    nlu.script["how do i get a refund"] = Says("help", confidence=0.4)
    await seed_delivery(sms_services)
    reply = await maria.says("how do i get a refund")
    assert "Refunds come from the store you ordered from" in reply, reply
    assert "DS20461187" in reply and "AGENT" in reply


async def test_a_refund_for_a_package_damaged_in_transit_goes_to_a_person(maria, sms_services, nlu):
    nlu.script["quiero un reembolso"] = Says("out_of_scope", confidence=0.33, language="es")
    await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, failure_reason="damaged"
    )
    reply = await maria.says("quiero un reembolso")
    assert "equipo de reclamos" in reply, reply
    [case] = await _cases(sms_services)
    assert case.details["transcript"][-1]["text"] == "quiero un reembolso"


async def test_a_refund_with_a_claim_open_goes_to_a_person(maria, sms_services, nlu):
    nlu.script["it's been a week, i just want my money back"] = Says("complain", confidence=0.4)
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    await _open_missing_claim(maria, nlu)
    reply = await maria.says("it's been a week, i just want my money back")
    assert A_PERSON in reply, reply


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("How many stops before me now?", "opt_out"),
        ("how many more stops", "opt_out"),
        ("how far is the driver", "help"),
        ("cuantas paradas faltan", "opt_out"),
    ],
)
async def test_how_far_the_driver_is_is_a_status_question(maria, sms_services, nlu, text, read_as):
    nlu.script[text.lower()] = Says(read_as, confidence=0.87)
    await seed_delivery(
        sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY, on_route_today=True, stop=6
    )
    reply = await maria.says(text)
    assert "STOP" not in reply, reply
    assert "5 stops away" in reply or "5 paradas" in reply, reply


async def _cases(services) -> list[DeliveryException]:  # noqa: ANN001
    from sms_helpers import rows

    return await rows(services, DeliveryException)


async def _open_missing_claim(maria, nlu) -> None:  # noqa: ANN001
    nlu.script["it never came"] = Says("report_missing_package")
    nlu.script["yes"] = Says("affirm")
    await maria.says("it never came")
    await maria.says("yes")


async def test_money_back_read_as_a_refusal_goes_to_a_person_when_damaged(maria, sms_services, nlu):
    text = "quiero que me devuelvan el dinero"
    nlu.script[text] = Says("refuse_delivery", confidence=0.93, language="es")
    await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, failure_reason="damaged"
    )
    reply = await maria.says(text)
    assert "equipo de reclamos" in reply, reply
    assert "Rechazar" not in reply


async def test_send_it_back_for_a_refund_is_still_a_refusal(maria, sms_services, nlu):
    text = "send it back, i want a refund"
    nlu.script[text] = Says("refuse_delivery", confidence=0.93)
    await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert "Refuse DS20461187" in reply, reply


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("it's been 3 hours", "out_of_scope"),
        ("still waiting...", "nlu_fallback"),
        ("this is taking forever", "inform"),
        ("sigo esperando", "out_of_scope"),
    ],
)
async def test_impatience_is_answered_with_where_it_is(maria, sms_services, nlu, text, read_as):
    nlu.script[text.lower()] = Says(read_as, confidence=0.6)
    await seed_delivery(
        sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY, on_route_today=True, stop=6
    )
    reply = await maria.says(text)
    assert "5 stops away" in reply or "5 paradas" in reply, reply
