"""A day the customer can't take that is not the booked one ("also we're closed next monday for
the holiday"): noted, and the booking kept; the rebook starts only when they ask to move it or
the booked day is the one ruled out. It is Tuesday, March 4 2025; the delivery is booked for
today, 2-4pm."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sms_helpers import Says, get_delivery, proposes, seed_delivery

NEXT_MONDAY = date(2025, 3, 10)
CLOSED = "also we are closed next monday for the holiday"


def _closed(language: str = "en", *days: date) -> Says:
    entities = {"ruled_out": list(days or (NEXT_MONDAY,))}
    return Says("reschedule_delivery", confidence=0.93, language=language, entities=entities)


async def test_a_day_off_that_is_not_the_booked_day_is_noted_and_the_booking_kept(
    maria, sms_services, nlu
):
    nlu.script[CLOSED] = _closed()
    delivery_id = await seed_delivery(sms_services, business_name="Whitfield Dental Studio")
    reply = await maria.says(CLOSED)
    assert reply == (
        "Noted: we won't come Mon Mar 10. DS20461187 is still booked for Tue Mar 4, 2-4pm."
    ), reply
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.window_start.replace(tzinfo=UTC) == datetime(2025, 3, 4, 19, 0, tzinfo=UTC)


async def test_a_day_off_in_spanish_is_noted_in_spanish(maria, sms_services, nlu):
    said = "el lunes que viene estamos cerrados por el feriado"
    nlu.script[said] = _closed("es")
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert reply.startswith("Anotado: no iremos el lun 10 mar."), reply
    assert "sigue programado" in reply


async def test_a_day_off_with_a_request_to_move_it_still_rebooks(maria, sms_services, nlu):
    said = "we're closed next monday, can you move it to another day?"
    nlu.script[said] = _closed()
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert "1)" in reply and "Mon Mar 10" not in reply, reply


async def test_the_booked_day_ruled_out_rebooks(maria, sms_services, nlu):
    said = "we're closed thursday"
    nlu.script[said] = _closed("en", date(2025, 3, 6))
    thursday = datetime(2025, 3, 6, 19, 0, tzinfo=UTC)
    await seed_delivery(sms_services, window_start=thursday, window_end=thursday.replace(hour=21))
    reply = await maria.says(said)
    assert "1)" in reply and "Thu Mar 6" not in reply, reply


async def test_a_day_off_with_a_day_asked_rebooks_to_that_day(maria, sms_services, nlu):
    said = "closed next monday, bring it thursday"
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services)
    assert "Thu Mar 6" in await maria.says(said)


async def test_days_off_in_a_row_are_said_as_one_span(maria, sms_services, nlu):
    said = "fyi we're closed all of next week"
    nlu.script[said] = _closed("en", *(date(2025, 3, 10 + n) for n in range(5)))
    await seed_delivery(sms_services)
    reply = await maria.says(said)
    assert reply.startswith("Noted: we won't come Mon Mar 10-Fri Mar 14."), reply
