"""Operator QA round two: a person is asked for before anything else was said, a customer
types nonsense twice, a business delivery's receiving hours and dock."""

from __future__ import annotations

from datetime import date

import pytest
from sms_helpers import Says, proposes, rows, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus


async def test_asking_for_a_person_first_thing_opens_a_case_on_the_phones_only_delivery(
    maria, sms_services, nlu
):
    nlu.script["i want to talk to a real person"] = Says("request_human")
    delivery_id = await seed_delivery(sms_services)
    assert "within 2 hours" in await maria.says("I want to talk to a real person")
    [case] = await rows(sms_services, DeliveryException)
    assert case.delivery_id == delivery_id and case.summary.startswith("DS20461187:")


async def test_a_complaint_from_a_phone_with_two_packages_names_both_for_dispatch(
    maria, sms_services, nlu
):
    nlu.script["third time you missed my delivery"] = Says("complain")
    await seed_delivery(sms_services, tracking="DS10000001")
    await seed_delivery(sms_services, tracking="DS10000002")
    await maria.says("third time you missed my delivery")
    [case] = await rows(sms_services, DeliveryException)
    assert case.delivery_id is None and "DS10000001, DS10000002" in case.summary
    assert case.details["transcript"][0]["text"] == "third time you missed my delivery"


async def test_nonsense_twice_that_the_nlu_calls_out_of_scope_goes_to_a_person(
    maria, sms_services, nlu
):
    nlu.script["asdf qwerty"] = Says("out_of_scope", confidence=0.96)
    nlu.script["blah blah"] = Says("out_of_scope", confidence=0.88)
    await seed_delivery(sms_services)
    assert "I can only help with your delivery" in await maria.says("asdf qwerty")
    assert "A person from our team will text you back within 2 hours" in await maria.says(
        "blah blah"
    )
    [case] = await rows(sms_services, DeliveryException)
    assert case.reason_code == "not_understood"
    assert [t["text"] for t in case.details["transcript"] if t["from"] == "customer"] == [
        "asdf qwerty",
        "blah blah",
    ]


async def _dental_studio(sms_services, **fields) -> int:
    studio = {
        "business_name": "Whitfield Dental Studio",
        "receiving_hours": "Mon-Fri 9am-5pm",
        "dock": "Front desk, 2nd floor",
    }
    return await seed_delivery(sms_services, is_business=True, **{**studio, **fields})


async def test_a_business_asking_where_its_delivery_is_hears_the_drop_off_point(
    maria, sms_services, nlu
):
    nlu.script["where is our delivery"] = Says("where_is_my_package")
    await _dental_studio(sms_services)
    reply = await maria.says("where is our delivery")
    assert reply.endswith("Drop-off: Front desk, 2nd floor.")


async def test_a_business_rebooking_is_offered_only_windows_in_its_receiving_hours(
    maria, sms_services, nlu
):
    # Tuesday Mar 4 2025; the operator works Mon-Sat 8am-8pm in 2-hour windows.
    nlu.script["can you come another day"] = Says("reschedule_delivery")
    nlu.script["saturday morning then"] = Says(
        "reschedule_delivery", entities={"date": date(2025, 3, 8), "before": "12:00"}
    )
    await _dental_studio(sms_services)
    offer = await maria.says("can you come another day")
    assert "in your receiving hours (Mon-Fri 9am-5pm)" in offer
    assert "8-10am" not in offer and "4-6pm" not in offer
    saturday = await maria.says("saturday morning then")
    assert saturday.startswith("That's outside your receiving hours (Mon-Fri 9am-5pm).")
    assert "Sat" not in saturday and "Mon Mar 10, 10am-12pm" in saturday


async def test_a_business_open_on_a_day_its_record_lacks_is_booked_in_the_hours_it_says(
    maria, sms_services, nlu
):
    said = "we're only open 9-12 on saturdays, can you come saturday"
    nlu.script[said] = proposes(said)
    await _dental_studio(sms_services)
    assert "Sat Mar 8, 10am-12pm?" in await maria.says(said)


async def test_a_business_opening_late_on_one_day_is_booked_after_it_opens(
    maria, sms_services, nlu
):
    said = "on fridays we open at 11, can you come friday"
    nlu.script[said] = proposes(said)
    await _dental_studio(sms_services)
    assert "Fri Mar 7, 12-2pm?" in await maria.says(said)


@pytest.mark.parametrize(
    ("said", "language", "hours"),
    [
        ("we only open at 10 these days, can you come another day", "en", "Mon-Fri 10am-5pm"),
        ("we close at 3 now, other times?", "en", "Mon-Fri 9am-3pm"),
        ("cerramos a las 3, ¿qué otros horarios tienen?", "es", "lun-vie 9am-3pm"),
    ],
)
async def test_a_business_offer_names_the_hours_it_said_not_those_on_record(
    said, language, hours, maria, sms_services, nlu
):
    nlu.script[said] = proposes(said)
    nlu.script[said].language = language
    await _dental_studio(sms_services)
    offer = await maria.says(said)
    assert f"({hours}):" in offer and "9am-5pm" not in offer, offer


@pytest.mark.parametrize(
    ("said", "hours"),
    [
        (
            "receiving closes at 2:30 on fridays, can you come friday",
            "Mon-Thu 9am-5pm, Fri 9am-2:30pm",
        ),
        (
            "we're also open 9-12 on saturdays, can you come saturday",
            "Mon-Fri 9am-5pm, Sat 9am-12pm",
        ),
    ],
)
async def test_hours_said_for_one_day_are_named_beside_the_record_in_the_next_offer(
    said, hours, maria, sms_services, nlu
):
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    await _dental_studio(sms_services)
    assert "Reply YES" in await maria.says(said)
    offer = await maria.says("no")
    assert f"in your receiving hours ({hours}):" in offer, offer


async def test_a_time_outside_the_hours_said_is_told_with_those_hours(maria, sms_services, nlu):
    said = "we close at 3 now, can you come another day"
    nlu.script[said] = proposes(said)
    nlu.script["thursday at 4 then"] = proposes("thursday at 4 then")
    await _dental_studio(sms_services)
    await maria.says(said)
    reply = await maria.says("thursday at 4 then")
    assert reply.startswith("That's outside your receiving hours (Mon-Fri 9am-3pm)."), reply


async def test_a_home_customers_own_hours_are_named_in_the_offer(maria, sms_services, nlu):
    said = "the office closes at 2, what other days do you have"
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says(said)
    assert "in your receiving hours (Mon-Sat until 2pm):" in offer and "2-4pm" not in offer, offer


@pytest.mark.parametrize(
    ("record", "said_es"),
    [
        ("Mon-Fri 9am-5pm", "lun-vie 9am-5pm"),
        ("Tues-Sat 10am-6pm", "mar-sab 10am-6pm"),
        ("Monday to Thursday 9am-5pm", "lun a jue 9am-5pm"),
    ],
)
async def test_a_spanish_speaking_business_hears_its_receiving_days_in_spanish(
    record, said_es, maria, sms_services, nlu
):
    nlu.script["cambiar"] = Says("reschedule_delivery", language="es")
    await _dental_studio(sms_services, receiving_hours=record)
    offer = await maria.says("CAMBIAR")
    assert f"en su horario de recepcion ({said_es}):" in offer, offer


async def test_hours_the_customer_said_are_named_in_spanish_to_a_spanish_speaker(
    maria, sms_services, nlu
):
    said = "los viernes cerramos a las 2, ¿pueden venir el viernes?"
    nlu.script[said] = proposes(said)
    nlu.script[said].language = "es"
    nlu.script["no"] = Says("deny", language="es")
    await _dental_studio(sms_services)
    assert "Responda SI" in await maria.says(said)
    offer = await maria.says("no")
    assert "(lun-jue 9am-5pm, vie 9am-2pm):" in offer, offer


async def test_the_depot_hours_are_said_in_spanish_to_a_spanish_speaker(maria, sms_services, nlu):
    nlu.script["recoger"] = Says("hold_for_pickup", language="es")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says("RECOGER")
    assert "lun-sab 8am-8pm" in reply and "Mon" not in reply, reply


async def test_an_english_speaking_business_hears_its_receiving_hours_as_written(
    maria, sms_services, nlu
):
    nlu.script["reschedule"] = Says("reschedule_delivery")
    await _dental_studio(sms_services, receiving_hours="Tues-Sat 10am-6pm")
    assert "in your receiving hours (Tues-Sat 10am-6pm):" in await maria.says("reschedule")
