"""Follow-ups a customer sends after the first answer, answered from what is on record."""

from __future__ import annotations

from sms_helpers import Says, get_delivery, rows, seed_delivery

from data.models import Contact, Conversation, Message
from data.types import DeliveryStatus, Direction


async def _thread_of(services, conversation_id: int) -> list[tuple[str, str]]:
    messages = await rows(services, Message, Message.conversation_id == conversation_id)
    return [(m.direction.value, m.body) for m in sorted(messages, key=lambda m: m.id)]


# --- an opted-out number --------------------------------------------------------------------


async def test_a_message_after_stop_is_kept_but_opens_no_conversation_waiting_for_an_answer(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    await maria.says("where is my package")
    await maria.says("STOP")
    assert await maria.says("where is my package") == ""  # no texts until they send START
    [conversation] = await rows(sms_services, Conversation)
    assert conversation.status == "closed"
    thread = await _thread_of(sms_services, conversation.id)
    assert thread[-1] == ("inbound", "where is my package")


async def test_a_number_opted_out_at_the_carrier_gets_a_closed_thread_only(
    maria, sms_services, nlu
):
    nlu.script["hello?"] = Says("greet")
    async with sms_services.sessions() as session, session.begin():  # Twilio's 21610, say
        session.add(Contact(phone=maria.number, opted_out=True, opt_out_source="twilio_21610"))
    assert await maria.says("hello?") == ""
    [conversation] = await rows(sms_services, Conversation)
    assert conversation.status == "closed"


async def test_start_after_stop_is_answered_and_the_next_message_opens_a_conversation(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    await maria.says("STOP")
    assert "subscribed" in await maria.says("START")
    assert "DS20461187" in await maria.says("where is my package")
    conversations = sorted(await rows(sms_services, Conversation), key=lambda c: c.id)
    assert [c.status for c in conversations] == ["closed", "open"]
    [inbound] = await rows(
        sms_services,
        Message,
        Message.direction == Direction.INBOUND,
        Message.conversation_id == conversations[-1].id,
    )
    assert inbound.body == "where is my package"


# --- asked again after "the address was incomplete" ------------------------------------------

FAILED_FOR_THE_ADDRESS = {
    "status": DeliveryStatus.FAILED_ATTEMPT,
    "attempts": 1,
    "failure_reason": "address_incorrect_or_incomplete",
}


async def test_a_second_status_question_asks_for_the_missing_unit_instead_of_repeating(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["so where is it now?"] = Says("where_is_my_package")
    nlu.script["4b"] = Says("inform", confidence=0.5)
    delivery_id = await seed_delivery(sms_services, **FAILED_FOR_THE_ADDRESS)
    first = await maria.says("where is my package")
    second = await maria.says("so where is it now?")
    assert second != first
    assert "12 Hudson St" in second and "apartment or unit number" in second
    assert "Done" in await maria.says("4B")  # the unit alone answers that question
    delivery = await get_delivery(sms_services, delivery_id)
    assert (delivery.address_line1, delivery.address_line2) == ("12 Hudson St", "Apt 4B")


async def test_asked_again_in_spanish_the_question_for_the_unit_is_in_spanish(
    maria, sms_services, nlu
):
    nlu.script["donde esta mi paquete"] = Says("where_is_my_package", language="es")
    nlu.script["y ahora donde esta?"] = Says("where_is_my_package", language="es")
    await seed_delivery(sms_services, **FAILED_FOR_THE_ADDRESS)
    await maria.says("donde esta mi paquete")
    assert "apartamento" in await maria.says("y ahora donde esta?")


async def test_with_a_unit_on_file_asked_again_asks_for_the_full_address(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services, address_line2="Apt 9", **FAILED_FOR_THE_ADDRESS)
    await maria.says("where is my package")
    again = await maria.says("where is my package")
    assert "full delivery address" in again and "unit number" not in again
