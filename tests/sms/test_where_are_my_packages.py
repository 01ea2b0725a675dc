"""A customer with several packages asks about them together and hears each one, on a line, in
one SMS; then "the second one" or "the one that was refused" picks one of them, in the order
the reply listed them, and the next request is about the one picked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sms_helpers import Says, count, seed_delivery

from bot.sms.segments import segments
from data.models import DeliveryException
from data.types import DeliveryStatus

WHERE = Says("where_is_my_package")
NOTHING = Says("nlu_fallback", confidence=0.2)  # what the NLU makes of "both", "the second one"
DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 4, 13, 43, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/DS32887490.jpg"],
}
REFUSED = {"status": DeliveryStatus.RETURN_TO_SENDER, "failure_reason": "refused"}
# What the NLU reads in some picks (the rest it reads as nothing).
READS = {"the 2nd": Says("inform", entities={"date": "2025-03-02"}), "2": Says("inform")}


async def _sams_two(services) -> None:  # noqa: ANN001
    """The demo's Sam Patel: one delivered this morning, one refused and going back."""
    await seed_delivery(services, tracking="DS32887490", **DELIVERED)
    await seed_delivery(services, tracking="DS44279345", **REFUSED)


@pytest.mark.parametrize(
    "text",
    [
        "where are my packages",
        "where are my orders",
        "status of my deliveries",
        "where are both my packages",
        "any update on my orders?",
    ],
)
async def test_a_question_about_all_of_them_answers_each_in_one_sms(maria, sms_services, nlu, text):
    nlu.script[text] = WHERE
    await _sams_two(sms_services)
    reply = await maria.says(text)
    assert reply.startswith("Your packages: 1) DS32887490 delivered Tue Mar 4 at 8:43am.")
    assert "2) DS44279345 going back to the sender (it was refused)." in reply
    assert reply.endswith("Reply 1 or 2 for details.") and segments(reply) <= 2


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("what about my packages?", Says("help", confidence=0.48)),
        ("can you check on both packages", NOTHING),
        ("did both of my packages arrive?", Says("report_missing_package", confidence=0.38)),
    ],
)
async def test_the_question_read_as_something_else_is_the_same_question(
    maria, sms_services, nlu, text, read
):
    nlu.script[text.lower()] = read  # what the trained model reads in it
    await _sams_two(sms_services)
    assert (await maria.says(text)).startswith("Your packages: 1) DS32887490")


async def test_in_spanish_each_package_is_said_in_spanish(maria, sms_services, nlu):
    nlu.script["¿dónde están mis paquetes?"] = Says(
        "where_is_my_package", confidence=0.53, language="es"
    )
    await _sams_two(sms_services)
    reply = await maria.says("¿dónde están mis paquetes?")
    assert reply.startswith("Sus paquetes: 1) DS32887490 entregado mar 4 mar a las 8:43am.")
    assert "2) DS44279345 regresa al remitente (fue rechazado)." in reply


async def test_the_list_shows_what_is_coming_first_and_not_what_came_weeks_ago(
    maria, sms_services, nlu
):
    nlu.script["where are my packages"] = WHERE
    await seed_delivery(
        sms_services,
        tracking="DS10000001",
        status=DeliveryStatus.DELIVERED,
        delivered_at=datetime(2025, 2, 14, 15, tzinfo=UTC),  # weeks ago: not asked about
    )
    await seed_delivery(sms_services, tracking="DS10000002", **DELIVERED)
    await seed_delivery(
        sms_services,
        tracking="DS10000003",
        status=DeliveryStatus.FAILED_ATTEMPT,
        failure_reason="recipient_unavailable",
        attempts=1,
    )
    await seed_delivery(sms_services, tracking="DS10000004")
    reply = await maria.says("where are my packages")
    assert "1) DS10000003 missed: no one was available." in reply
    assert "2) DS10000004 scheduled Tue Mar 4, 2-4pm." in reply
    assert "3) DS10000002 delivered" in reply and "DS10000001" not in reply
    assert reply.endswith("Reply 1-3 for details.")


async def test_with_one_current_package_the_question_gets_its_usual_answer(
    maria, sms_services, nlu
):
    nlu.script["where are my packages"] = WHERE
    await seed_delivery(
        sms_services,
        tracking="DS10000001",
        status=DeliveryStatus.DELIVERED,
        delivered_at=datetime(2025, 2, 14, 15, tzinfo=UTC),
    )
    await seed_delivery(sms_services, tracking="DS10000002")
    assert (await maria.says("where are my packages")).startswith("DS10000002 is scheduled")


async def test_a_question_about_one_package_still_asks_which(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    nlu.script["where is one of my packages"] = WHERE
    await _sams_two(sms_services)
    assert (await maria.says("where is my package")).startswith("Which package?")
    assert (await maria.says("where is one of my packages")).startswith("Which package?")


@pytest.mark.parametrize("text", ["both", "all of them", "both please", "los dos"])
async def test_both_to_which_package_answers_each(maria, sms_services, nlu, text):
    nlu.script["where is my package"] = WHERE
    nlu.script[text] = NOTHING
    await _sams_two(sms_services)
    question = await maria.says("where is my package")
    assert "1) DS32887490 (delivered) 2) DS44279345 (returning)" in question
    reply = await maria.says(text)
    assert "1) DS32887490 delivered" in reply and "2) DS44279345 going back" in reply
    assert await count(sms_services, DeliveryException) == 0  # understood, not handed off


async def test_both_after_hearing_about_one_answers_each(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    nlu.script["2"] = Says("inform")
    nlu.script["both"] = NOTHING
    await _sams_two(sms_services)
    await maria.says("where is my package")
    assert (await maria.says("2")).startswith("DS44279345 is being returned")
    assert (await maria.says("both")).startswith("Your packages: 1) DS32887490")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("the second one", "DS44279345 is being returned to the sender."),
        ("the 2nd", "DS44279345 is being returned to the sender."),
        ("2", "DS44279345 is being returned to the sender."),
        ("the one that was refused", "DS44279345 is being returned to the sender."),
        ("the one going back", "DS44279345 is being returned to the sender."),
        ("the one being sent back", "DS44279345 is being returned to the sender."),
        ("the first one", "DS32887490 was delivered Tue Mar 4 at 8:43am."),
        ("the delivered one", "DS32887490 was delivered Tue Mar 4 at 8:43am."),
        ("the last 4 digits 7490", "DS32887490 was delivered Tue Mar 4 at 8:43am."),
    ],
)
async def test_a_package_of_the_list_is_picked_as_the_list_showed_it(
    maria, sms_services, nlu, text, answer
):
    nlu.script["where are my packages"] = WHERE
    nlu.script[text] = READS.get(text, NOTHING)
    await _sams_two(sms_services)
    await maria.says("where are my packages")
    assert (await maria.says(text)).startswith(answer)


async def test_el_segundo_picks_the_second_in_spanish(maria, sms_services, nlu):
    nlu.script["¿dónde están mis paquetes?"] = Says("where_is_my_package", language="es")
    nlu.script["el segundo"] = Says("nlu_fallback", confidence=0.2, language="es")
    await _sams_two(sms_services)
    await maria.says("¿dónde están mis paquetes?")
    assert (await maria.says("el segundo")) == "DS44279345 se esta devolviendo al remitente."


async def test_the_other_one_with_none_talked_about_asks_which(maria, sms_services, nlu):
    nlu.script["where are my packages"] = WHERE
    nlu.script["the other one"] = NOTHING
    nlu.script["2"] = Says("inform")
    await _sams_two(sms_services)
    await maria.says("where are my packages")
    assert (await maria.says("the other one")).startswith("Which package? 1) DS32887490")
    assert (await maria.says("2")).startswith("DS44279345 is being returned")


async def test_the_other_one_after_talking_about_one_is_the_other(maria, sms_services, nlu):
    nlu.script["where are my packages"] = WHERE
    nlu.script["the second one"] = NOTHING
    nlu.script["the other one"] = NOTHING
    await _sams_two(sms_services)
    await maria.says("where are my packages")
    await maria.says("the second one")
    assert (await maria.says("the other one")).startswith("DS32887490 was delivered")


async def test_the_list_asked_nothing_so_thanks_is_just_thanks(maria, sms_services, nlu):
    nlu.script["where are my packages"] = WHERE
    nlu.script["thanks"] = Says("thank_you")
    await _sams_two(sms_services)
    await maria.says("where are my packages")
    assert await maria.says("thanks") == "You're welcome!"


async def test_send_it_back_after_a_pick_is_about_the_package_picked(maria, sms_services, nlu):
    nlu.script["where are my packages"] = WHERE
    nlu.script["the second one"] = NOTHING
    nlu.script["i don't want it anymore, send it back"] = Says("refuse_delivery", 0.99)
    await seed_delivery(sms_services, tracking="DS32887490", **DELIVERED)
    await seed_delivery(sms_services, tracking="DS55555555")  # scheduled: could be refused
    listed = await maria.says("where are my packages")
    assert "1) DS55555555 scheduled" in listed and "2) DS32887490 delivered" in listed
    assert (await maria.says("the second one")).startswith("DS32887490 was delivered")
    # The customer chose the delivered one: not silently switched to the one still coming.
    reply = await maria.says("I don't want it anymore, send it back")
    assert "DS32887490" in reply and "DS55555555" not in reply


async def test_the_package_picked_with_its_request_gets_that_request(maria, sms_services, nlu):
    nlu.script["where are my packages"] = WHERE
    nlu.script["the second one, i don't want it, send it back"] = Says("refuse_delivery", 0.99)
    await seed_delivery(sms_services, tracking="DS32887490", **DELIVERED)
    await seed_delivery(sms_services, tracking="DS55555555")
    await seed_delivery(sms_services, tracking="DS66666666")
    await maria.says("where are my packages")
    reply = await maria.says("the second one, I don't want it, send it back")
    assert reply.startswith("Refuse DS66666666 and send it back")


@pytest.mark.parametrize(
    "text", ["please send the second one back", "i don't want the 2nd package, return it"]
)
async def test_a_request_naming_one_of_the_list_by_its_place_is_about_it(
    maria, sms_services, nlu, text
):
    nlu.script["where are my packages"] = WHERE
    nlu.script[text] = Says("refuse_delivery", 0.99)
    await seed_delivery(sms_services, tracking="DS55555555")
    await seed_delivery(sms_services, tracking="DS66666666")
    await maria.says("where are my packages")
    assert (await maria.says(text)).startswith("Refuse DS66666666 and send it back")


async def test_more_than_three_are_counted_not_listed(maria, sms_services, nlu):
    nlu.script["where are my packages"] = WHERE
    for n in range(1, 6):
        await seed_delivery(sms_services, tracking=f"DS1000000{n}")
    reply = await maria.says("where are my packages")
    assert "3) DS10000003" in reply and "DS10000004" not in reply
    assert "And 2 more: send its tracking number. Reply 1-3 for details." in reply
    assert segments(reply) <= 2


async def test_both_to_which_package_for_a_rebook_is_not_a_status_list(maria, sms_services, nlu):
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script["both"] = NOTHING
    await seed_delivery(sms_services, tracking="DS10000001")
    await seed_delivery(
        sms_services,
        tracking="DS10000002",
        status=DeliveryStatus.FAILED_ATTEMPT,
        failure_reason="recipient_unavailable",
        attempts=1,
    )
    assert (await maria.says("reschedule")).startswith("Which package?")
    assert "Your packages" not in await maria.says("both")


@pytest.mark.parametrize(
    "text", ["Do I have any other deliveries coming?", "any more packages coming for me?"]
)
async def test_asking_for_any_other_deliveries_lists_them(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = WHERE
    await _sams_two(sms_services)
    reply = await maria.says(text)
    assert reply.startswith("Your packages: 1)"), reply
    assert "DS32887490" in reply and "DS44279345" in reply, reply
