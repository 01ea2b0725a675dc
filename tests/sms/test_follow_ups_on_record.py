"""Follow-ups a customer sends after the first answer, answered from what is on record."""

from __future__ import annotations

from datetime import date

from sms_helpers import Says, get_delivery, rows, seed_delivery

from data.models import Contact, Conversation, DeliveryException, Message
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


# --- a rebook that also gives a new address ---------------------------------------------------

FAILED = {"status": DeliveryStatus.FAILED_ATTEMPT, "attempts": 1}


def _rebook_to(text: str, address: str, **when) -> Says:
    entities = {"address": address, "date": date(2025, 3, 5), **when}
    return Says("reschedule_delivery", confidence=0.67, entities=entities)


async def test_a_rebook_to_a_new_address_asks_its_zip_then_takes_both(maria, sms_services, nlu):
    text = "can you bring it tomorrow to 55 water st apt 3 instead"
    nlu.script[text] = _rebook_to(text, "55 Water St apt 3")
    nlu.script["07030"] = Says("inform", confidence=0.5)
    nlu.script["yes"] = Says("affirm")
    delivery_id = await seed_delivery(sms_services, **FAILED)
    assert "ZIP" in await maria.says(text)
    both = await maria.says("07030")
    assert "Done: we'll deliver to 55 Water St, Apt 3" in both
    assert "Wed Mar 5" in both and "YES" in both  # the rebook, still to confirm
    await maria.says("yes")
    delivery = await get_delivery(sms_services, delivery_id)
    assert (delivery.address_line1, delivery.address_line2) == ("55 Water St", "Apt 3")
    assert delivery.service_date == date(2025, 3, 5)


async def test_a_rebook_to_another_zip_leaves_the_address_to_dispatch_and_says_so(
    maria, sms_services, nlu
):
    text = "deliver it tomorrow to 40 park ave 07102 please"
    nlu.script[text] = _rebook_to(text, "40 park ave")
    delivery_id = await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert "dispatch team will review the address" in reply and "Wed Mar 5" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.type == "address_change" and "40 Park Ave" in case.summary
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.address_line1 == "12 Hudson St"  # unchanged until dispatch decides


async def test_a_rebook_with_the_missing_unit_takes_the_unit_at_once(maria, sms_services, nlu):
    text = "try again tomorrow, its apt 4b"
    nlu.script[text] = _rebook_to(text, "apt 4b")
    delivery_id = await seed_delivery(
        sms_services, failure_reason="address_incorrect_or_incomplete", **FAILED
    )
    reply = await maria.says(text)
    assert "Done: we'll deliver to 12 Hudson St, Apt 4B" in reply and "Wed Mar 5" in reply
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == "Apt 4B"


async def test_a_rebook_that_mentions_the_apartment_without_a_number_is_only_a_rebook(
    maria, sms_services, nlu
):
    text = "can you bring it to my apartment tomorrow"
    nlu.script[text] = Says("reschedule_delivery", entities={"date": date(2025, 3, 5)})
    delivery_id = await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert "address" not in reply.lower() and "Wed Mar 5" in reply
    assert (await get_delivery(sms_services, delivery_id)).address_line2 is None


# --- other follow-ups -------------------------------------------------------------------------


async def test_a_pick_that_also_asks_for_a_change_makes_the_change(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    text = "the one that isnt here yet, can you send it to 40 hudson st apt 2 07030 instead"
    nlu.script[text] = Says("change_address", entities={"address": "40 Hudson St apt 2"})
    await seed_delivery(sms_services, tracking="DS1", status=DeliveryStatus.DELIVERED)
    coming = await seed_delivery(sms_services, tracking="DS2")
    assert "Which package?" in await maria.says("where is my package")
    assert "Done: we'll deliver to 40 Hudson St, Apt 2" in await maria.says(text)
    delivery = await get_delivery(sms_services, coming)
    assert (delivery.address_line1, delivery.address_line2) == ("40 Hudson St", "Apt 2")


async def test_hola_what_happened_to_my_package_is_a_status_question(maria, sms_services, nlu):
    nlu.script["hola, que paso con mi paquete?"] = Says("greet", language="es")
    await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, failure_reason="damaged"
    )
    assert "DS20461187 se dano en el camino" in await maria.says("hola, que paso con mi paquete?")


async def test_an_address_change_that_names_a_day_rebooks_that_day_too(maria, sms_services, nlu):
    text = "can you bring it wednesday to my work instead? 210 market st, newark 07102"
    nlu.script[text] = Says(
        "change_address",
        confidence=0.53,
        entities={"address": "210 Market St", "date": date(2025, 3, 5)},
    )
    await seed_delivery(sms_services, **FAILED)
    reply = await maria.says(text)
    assert "dispatch team will review the address" in reply and "Wed Mar 5" in reply


async def test_an_address_change_on_the_day_it_is_booked_is_only_an_address_change(
    maria, sms_services, nlu
):
    text = "send it to 40 hudson st apt 2 07030 on tuesday"
    nlu.script[text] = Says(
        "change_address", entities={"address": "40 Hudson St apt 2", "date": date(2025, 3, 4)}
    )
    await seed_delivery(sms_services)  # booked for Tue Mar 4
    reply = await maria.says(text)
    assert reply == "Done: we'll deliver to 40 Hudson St, Apt 2."


async def test_help_asking_what_happened_to_the_delivery_gets_its_status(maria, sms_services, nlu):
    nlu.script["what happened with my delivery?"] = Says("help", confidence=0.49)
    await seed_delivery(sms_services, **FAILED_FOR_THE_ADDRESS)
    assert "DS20461187" in await maria.says("what happened with my delivery?")


async def test_once_the_unit_is_given_the_status_says_so_and_the_next_step(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["its apt 5c"] = Says("inform", confidence=0.7, entities={"address": "apt 5C"})
    nlu.script["great so when will it come?"] = Says("where_is_my_package")
    await seed_delivery(sms_services, **FAILED_FOR_THE_ADDRESS)
    await maria.says("where is my package")
    done = await maria.says("its apt 5C")
    assert "Done: we'll deliver to 12 Hudson St, Apt 5C" in done and "RESCHEDULE" in done
    status = await maria.says("great so when will it come?")
    assert "incomplete" not in status and "holding" not in status
    assert "12 Hudson St, Apt 5C" in status and "RESCHEDULE" in status
