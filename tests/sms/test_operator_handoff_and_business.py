"""Operator QA round two: a person is asked for before anything else was said, a customer
types nonsense twice, a business delivery's receiving hours and dock."""

from __future__ import annotations

from sms_helpers import Says, rows, seed_delivery

from data.models import DeliveryException


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
