"""Rebooking a business's delivery on the hours the customer says ("we're only open 9-12 on
saturdays", "nobody can sign for it after 10"): windows inside them, or said plainly that none
fits. It is Tuesday, March 4 2025."""

from __future__ import annotations

from datetime import date

import pytest
from sms_helpers import NOW, Says, get_delivery, proposes, seed_delivery

from bot.settings import Settings
from data.types import DeliveryStatus
from flows.conversation import decide
from flows.model import ConversationState, DeliveryFacts, Facts
from flows.policy import Policy
from nlu.understanding import Entities, Understanding


@pytest.mark.parametrize(
    ("text", "booked"),
    [
        ("we open at 10 on saturdays, can you come saturday", "Sat Mar 8, 10am-12pm"),
        ("saturdays we're only open 9-12. saturday please", "Sat Mar 8, 10am-12pm"),
        ("can you come saturday? we close at noon on saturdays", "Sat Mar 8, 8-10am"),
        ("sábado solo abrimos de 10 a 2, pueden venir el sábado", "Sat Mar 8, 10am-12pm"),
        ("we open at 1 on thursdays, come thursday", "Thu Mar 6, 2-4pm"),
        ("we're open 9-12 on saturdays, can you come thursday", "Thu Mar 6, 8-10am"),
    ],
)
async def test_hours_the_customer_says_narrow_the_window_on_the_days_they_name(
    text, booked, maria, sms_services, nlu
):
    nlu.script[text] = proposes(text)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert f"Deliver DS20461187 {booked}?" in await maria.says(text)


async def test_hours_said_earlier_still_narrow_the_windows_offered_after_a_no(
    maria, sms_services, nlu
):
    said = "we only open at 10 on weekdays, can you come wednesday"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Wed Mar 5, 10am-12pm?" in await maria.says(said)
    offer = await maria.says("no")
    assert "We can deliver" in offer and "8-10am" not in offer


@pytest.mark.parametrize(
    ("text", "language", "booked"),
    [
        ("we're only open 9-10 on saturday, can you come saturday", "en", "Sat Mar 8, 9-10am"),
        ("saturdays we're only open 9 to 11, saturday please", "en", "Sat Mar 8, 9-11am"),
        ("on friday we only open from 3:30 to 5, friday please", "en", "Fri Mar 7, 3:30-5pm"),
        ("we're open 12:30 to 2 on thursdays, come thursday", "en", "Thu Mar 6, 12:30-2pm"),
        ("el sábado solo abrimos de 9 a 10, ¿pueden venir el sábado?", "es", "sab 8 mar, 9-10am"),
    ],
)
async def test_hours_said_that_fit_no_standard_window_get_one_clipped_to_them(
    text, language, booked, maria, sms_services, nlu
):
    nlu.script[text] = proposes(text)
    nlu.script[text].language = language
    nlu.script["yes"] = Says("affirm")
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    assert f"{booked}?" in await maria.says(text)
    await maria.says("yes")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.SCHEDULED


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        (
            "we're only open 9:30 to 10 on saturdays, can you come saturday",
            "en",
            "Sorry, none of our delivery windows fits in your Saturday hours (9:30-10am).",
        ),
        (
            "we are open 6 to 7am on saturdays, saturday?",
            "en",
            "Sorry, none of our delivery windows fits in your Saturday hours (6-7am).",
        ),
        (
            "el viernes solo abrimos de 4 a 4:30, ¿el viernes?",
            "es",
            "Lo sentimos, ninguno de nuestros horarios de entrega cabe en su horario de los "
            "viernes (4-4:30pm).",
        ),
    ],
)
async def test_hours_said_too_short_for_any_window_are_said_plainly_with_the_nearest_days(
    text, language, said, maria, sms_services, nlu
):
    nlu.script[text] = proposes(text)
    nlu.script[text].language = language
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says(text)
    assert reply.startswith(said) and "1)" in reply, reply


async def test_the_nearest_days_to_one_no_window_fits_are_either_side_of_it(
    maria, sms_services, nlu
):
    text = "we're only open 9:30 to 10 on saturdays, can you come saturday"
    nlu.script[text] = proposes(text)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says(text)
    assert "1) Thu Mar 6, 8-10am 2) Fri Mar 7, 8-10am 3) Mon Mar 10, 8-10am" in reply, reply


@pytest.mark.parametrize(
    ("shortest_minutes", "reply"), [(60, "rebook.confirm"), (120, "rebook.no_window_fits")]
)
def test_hours_shorter_than_a_window_get_one_only_if_the_operator_allows_it(
    shortest_minutes, reply
):
    said = "we're only open 9-10 on saturday, can you come saturday"
    settings = Settings(_env_file=None, shortest_window_minutes=shortest_minutes)
    policy = Policy.from_settings(settings)  # SHORTEST_WINDOW_MINUTES in the environment
    d = DeliveryFacts(id=1, tracking_number="DS20461187", status="failed_attempt", attempt_count=1)
    u = Understanding(
        said, "reschedule_delivery", 0.95, entities=Entities(**proposes(said).entities)
    )
    decision = decide(ConversationState(delivery_id=1), u, Facts(said, (d,)), NOW, policy)
    assert decision.reply.key == reply
    if reply == "rebook.no_window_fits":
        assert (decision.reply.params["day"], decision.reply.params["day_hours"]) == (
            date(2025, 3, 8),
            "9-10am",
        )
        offered = [start.date() for start, _ in decision.reply.params["windows"]]
        assert date(2025, 3, 8) not in offered and len(offered) == 3


@pytest.mark.parametrize(
    "said",
    ["nobody can sign for it after 10 tomorrow", "no one's home after 10am tmrw, can you come"],
)
async def test_nobody_home_after_a_time_books_a_window_that_ends_by_then(
    said, maria, sms_services, nlu
):
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Wed Mar 5, 8-10am?" in await maria.says(said)
