"""Follow-ups a customer sends after the first answer, answered from what is on record."""

from __future__ import annotations

from sms_helpers import Says, rows, seed_delivery

from data.models import Contact, Conversation, Message
from data.types import Direction


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
