"""Questions about the service the policy answers ("do you deliver on weekends?", "how early do
drivers start"), "never mind" after a person was promised, and "who is this?": read from the
words beside the NLU, which has no intent for them. It is Tuesday, March 4 2025; the delivery
is booked for today, 2-4pm; the operator delivers Mon-Sat, 8am-8pm, in 2-hour windows."""

from __future__ import annotations

import pytest
from sms_helpers import Says, count, proposes, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus

SERVICE = "We deliver Mon-Sat 8am-8pm, in 2-hour windows, not on Sundays."


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # What the model reads in each (nlu-92123690e361): none of it is about the service.
        ("do you deliver on weekends?", Says("reschedule_delivery", confidence=0.56)),
        ("what days do you deliver", Says("help", confidence=1.0)),
        ("what's the latest time you deliver", Says("reschedule_delivery", confidence=0.59)),
        ("how early do drivers start", Says("out_of_scope", confidence=0.58)),
        ("what are your delivery hours?", Says("help", confidence=0.7)),
        ("what are your hours", Says("help", confidence=0.8)),
        ("are you open on saturdays?", Says("out_of_scope", confidence=0.6)),
        ("do you guys work sundays", Says("reschedule_delivery", confidence=0.5)),
    ],
)
async def test_a_question_about_the_service_is_answered_from_the_policy(
    text, says, maria, sms_services, nlu
):
    nlu.script[text] = says
    await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert reply == f"{SERVICE} DS20461187 is booked for Tue Mar 4, 2-4pm.", reply


async def test_the_service_in_spanish(maria, sms_services, nlu):
    text = "¿entregan los domingos?"
    nlu.script[text] = Says("where_is_my_package", 0.34, "es", {"date": "2025-03-09"})
    await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert reply.startswith("Entregamos lun-sab 8am-8pm, en franjas de 2 horas; los domingos no.")
    assert "DS20461187 esta programado para el mar 4 mar, 2-4pm." in reply, reply


async def test_the_service_without_a_booking_says_only_the_policy(maria, sms_services, nlu):
    nlu.script["do you deliver on sundays?"] = Says("reschedule_delivery", confidence=0.56)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert await maria.says("do you deliver on sundays?") == SERVICE


async def test_asking_for_a_day_is_still_a_rebook(maria, sms_services, nlu):
    nlu.script["can you deliver it saturday?"] = proposes("can you deliver it saturday?")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Sat Mar 8" in await maria.says("can you deliver it saturday?")


async def test_the_earliest_you_can_come_is_still_a_rebook(maria, sms_services, nlu):
    nlu.script["what's the earliest you can come?"] = Says("reschedule_delivery")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "1) Wed Mar 5" in await maria.says("what's the earliest you can come?")


@pytest.mark.parametrize("text", ["ok then never mind", "nvm", "forget it", "olvídalo"])
async def test_never_mind_after_a_person_was_promised_keeps_the_case(
    text, maria, sms_services, nlu
):
    nlu.script["i want to talk to a person"] = Says("request_human")
    nlu.script[text] = Says("deny", confidence=0.9)
    await seed_delivery(sms_services)
    assert "A person" in await maria.says("i want to talk to a person")
    assert await count(sms_services, DeliveryException) == 1
    reply = await maria.says(text)
    assert reply in (
        "OK. If you still need us, just text.",
        "De acuerdo. Si aun nos necesita, escribanos.",
    )
    assert await count(sms_services, DeliveryException) == 1


async def test_never_mind_to_a_question_still_answers_it(maria, sms_services, nlu):
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script["nvm"] = Says("deny", confidence=0.9)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "1)" in await maria.says("reschedule")
    assert "What day and time" in await maria.says("nvm")


@pytest.mark.parametrize(
    ("text", "language", "start"),
    [
        ("who is this?", "en", "This is Doorstep Deliveries, texting about your delivery."),
        ("quien es?", "es", "Somos Doorstep Deliveries y le escribimos sobre su entrega."),
    ],
)
async def test_who_is_this_says_who_and_what_it_can_do(
    text, language, start, maria, sms_services, nlu
):
    nlu.script[text] = Says("help", confidence=0.9, language=language)
    await seed_delivery(sms_services)
    reply = await maria.says(text)
    assert reply.startswith(start), reply
