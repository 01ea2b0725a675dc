"""After a failed attempt the customer is told the next step that fits why it failed."""

from __future__ import annotations

from datetime import date

import pytest
from sms_helpers import Says, count, get_delivery, proposes, rows, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus

FAILED = {"status": DeliveryStatus.FAILED_ATTEMPT, "attempts": 1}
TOMORROW = date(2025, 3, 5)


@pytest.mark.parametrize(
    ("reason", "said", "not_said"),
    [
        ("recipient_unavailable", ["no one was available", "RESCHEDULE", "HOLD"], ["AGENT"]),
        ("business_closed", ["the business was closed", "RESCHEDULE"], ["AGENT"]),
        ("no_access", ["gate or door code", "where to leave it", "RESCHEDULE"], ["AGENT"]),
        ("no_safe_location", ["where to leave it", "driver"], ["AGENT"]),
        ("address_incorrect_or_incomplete", ["full address", "unit", "ZIP"], ["RESCHEDULE"]),
        ("refused", ["refused", "mistake", "RESCHEDULE"], ["HOLD"]),
        ("lost", ["sorry", "missing", "AGENT"], ["RESCHEDULE", "HOLD"]),
        ("damaged", ["sorry", "damaged", "AGENT"], ["RESCHEDULE", "HOLD"]),
        ("weather_or_force_majeure", ["weather", "RESCHEDULE"], ["AGENT"]),
        (None, ["a problem on the route", "RESCHEDULE"], ["AGENT"]),
    ],
)
async def test_the_status_says_the_next_step_for_the_reason(
    maria, sms_services, nlu, reason, said, not_said
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services, failure_reason=reason, **FAILED)
    reply = await maria.says("where is my package")
    assert "DS20461187" in reply
    for words in said:
        assert words in reply, (reason, reply)
    for words in not_said:
        assert words not in reply, (reason, reply)


async def test_after_an_incomplete_address_the_address_alone_is_taken(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["12 hudson st apt 4b, 07030"] = Says("inform", confidence=0.55)
    delivery_id = await seed_delivery(
        sms_services, failure_reason="address_incorrect_or_incomplete", **FAILED
    )
    assert "full address" in await maria.says("where is my package")
    assert "Done" in await maria.says("12 Hudson St Apt 4B, 07030")
    delivery = await get_delivery(sms_services, delivery_id)
    assert (delivery.address_line1, delivery.address_line2) == ("12 Hudson St", "Apt 4B")


async def test_after_an_incomplete_address_another_question_is_still_answered(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["can you come tomorrow instead"] = Says("reschedule_delivery")
    await seed_delivery(sms_services, failure_reason="address_incorrect_or_incomplete", **FAILED)
    await maria.says("where is my package")
    reply = await maria.says("can you come tomorrow instead")
    assert "address" not in reply.lower() and ("Deliver" in reply or "1)" in reply)


async def test_after_no_access_a_gate_code_goes_on_the_delivery(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["gate code is 4512"] = Says(
        "give_delivery_instructions", entities={"access_code": "4512"}
    )
    delivery_id = await seed_delivery(sms_services, failure_reason="no_access", **FAILED)
    assert "gate or door code" in await maria.says("where is my package")
    await maria.says("gate code is 4512")
    assert (await get_delivery(sms_services, delivery_id)).access_code == "4512"


async def test_a_lost_package_in_spanish_points_to_a_person(maria, sms_services, nlu):
    nlu.script["donde esta mi paquete"] = Says("where_is_my_package", language="es")
    await seed_delivery(sms_services, failure_reason="lost", **FAILED)
    reply = await maria.says("donde esta mi paquete")
    assert "Lo sentimos" in reply and "AGENTE" in reply and "CAMBIAR" not in reply


@pytest.mark.parametrize("reason", ["lost", "damaged"])
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("RESCHEDULE", None),
        ("can you bring it tomorrow", Says("reschedule_delivery", entities={"date": TOMORROW})),
        ("try again friday after 2 pls", proposes("try again friday after 2 pls")),
        ("HOLD", None),
        ("can i just pick it up at your depot", Says("hold_for_pickup")),
    ],
)
async def test_a_lost_or_damaged_package_goes_to_a_person_not_a_new_time_or_pickup(
    maria, sms_services, nlu, reason, text, says
):
    if says is not None:
        nlu.script[text.lower()] = says
    delivery_id = await seed_delivery(sms_services, failure_reason=reason, **FAILED)
    reply = await maria.says(text)
    assert "sorry" in reply and "person" in reply and "2 hours" in reply, reply
    assert "1)" not in reply and "Reply YES" not in reply and "held for pickup at" not in reply
    [case] = await rows(sms_services, DeliveryException)
    assert (case.delivery_id, case.reason_code) == (delivery_id, "lost_or_damaged")
    assert "carrier reported the package lost or damaged" in case.summary
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.FAILED_ATTEMPT


async def test_a_lost_package_rebooked_in_spanish_is_apologised_for_in_spanish(
    maria, sms_services, nlu
):
    await seed_delivery(sms_services, failure_reason="lost", **FAILED)
    reply = await maria.says("CAMBIAR")
    assert reply.startswith("Lo sentimos mucho: DS20461187 se perdio") and "persona" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "lost_or_damaged"


async def test_a_package_missed_for_another_reason_is_still_offered_a_new_time(
    maria, sms_services, nlu
):
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    assert "1)" in await maria.says("RESCHEDULE")
    assert await count(sms_services, DeliveryException) == 0


async def test_instructions_for_a_lost_package_do_not_offer_a_new_time(maria, sms_services, nlu):
    nlu.script["leave it with the doorman next time"] = Says("give_delivery_instructions")
    await seed_delivery(sms_services, failure_reason="lost", **FAILED)
    reply = await maria.says("leave it with the doorman next time")
    assert "saved" in reply and "RESCHEDULE" not in reply


@pytest.mark.parametrize(
    "text",
    ["apt 4B, 12 hudson st", "its 12 Hudson Street apartment 4B", "12 hudson st #4b sorry"],
)
async def test_the_street_on_file_with_its_missing_unit_is_taken_without_a_zip(
    maria, sms_services, nlu, text
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script[text.lower()] = Says("inform", confidence=0.6)
    delivery_id = await seed_delivery(  # on file: 12 Hudson St, Hoboken 07030
        sms_services, failure_reason="address_incorrect_or_incomplete", **FAILED
    )
    await maria.says("where is my package")
    reply = await maria.says(text)
    assert "Done" in reply and "ZIP" not in reply, reply
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.address_line1 == "12 Hudson St" and delivery.address_line2 in ("Apt 4B", "#4B")


async def test_after_a_code_is_on_file_the_status_no_longer_asks_for_one(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["gate code is 1942#"] = Says(
        "give_delivery_instructions", entities={"access_code": "1942#"}
    )
    nlu.script["so when are you coming back"] = Says("where_is_my_package")
    await seed_delivery(sms_services, failure_reason="no_access", **FAILED)
    assert "Reply with the gate or door code" in await maria.says("where is my package")
    await maria.says("gate code is 1942#")
    reply = await maria.says("so when are you coming back")
    assert "code on file" in reply and "RESCHEDULE" in reply
    assert "Reply with the gate or door code" not in reply and "1942" not in reply


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hello, I was told my delivery failed. I live in unit 12C", "complain"),
        ("why didnt it come?? its apt 12C", "complain"),
        ("where is my package, I'm in unit 12C", "where_is_my_package"),
    ],
)
async def test_an_address_in_any_message_about_a_delivery_missing_one_is_taken(
    maria, sms_services, nlu, text, intent
):
    nlu.script[text.lower()] = Says(intent, entities={"address": "unit 12C"})
    delivery_id = await seed_delivery(
        sms_services, failure_reason="address_incorrect_or_incomplete", **FAILED
    )
    reply = await maria.says(text)
    assert "Done" in reply and "person" not in reply, reply
    assert "12C" in (await get_delivery(sms_services, delivery_id)).address_line2


async def test_a_complaint_with_an_address_on_another_failure_still_goes_to_a_person(
    maria, sms_services, nlu
):
    text = "you missed me again, I live at 12 hudson st"
    nlu.script[text] = Says("complain", entities={"address": "12 hudson st"})
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    assert "person" in await maria.says(text)
