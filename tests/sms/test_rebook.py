"""Rebooking a failed delivery: concrete windows, a proposed time, confirm, route and driver."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sms_helpers import NOW, Says, count, get_delivery, proposes, rows, seed_delivery

from data.models import DeliveryEvent, DeliveryException, OutboxEvent, RouteStop
from data.types import DeliveryStatus
from nlu.timeparse import parse_when

REBOOK = Says("reschedule_delivery")


async def test_a_failed_attempt_can_be_rebooked_from_the_offer(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    nlu.script["2"] = Says("inform")
    nlu.script["yes"] = Says("affirm")
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    offer = await maria.says("RESCHEDULE")
    assert "1) Wed Mar 5, 8-10am 2) Wed Mar 5, 12-2pm 3) Thu Mar 6, 8-10am" in offer
    confirm = await maria.says("2")
    assert "Wed Mar 5, 12-2pm?" in confirm and "YES" in confirm
    done = await maria.says("yes")
    assert "rebooked for Wed Mar 5, 12-2pm" in done
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.status == DeliveryStatus.SCHEDULED
    assert delivery.service_date == date(2025, 3, 5)
    assert delivery.window_start == datetime(2025, 3, 5, 17, 0, tzinfo=UTC)
    [event] = await rows(sms_services, DeliveryEvent, DeliveryEvent.delivery_id == delivery_id)
    assert (event.type, event.source) == ("rescheduled", "sms")


async def test_tomorrow_afternoon_is_understood_and_confirmed(maria, sms_services, nlu):
    nlu.script["can you come tomorrow afternoon"] = Says(
        "reschedule_delivery",
        entities={"date": date(2025, 3, 5), "after": "12:00", "before": "17:00"},
    )
    nlu.script["yes please"] = Says("affirm")
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    confirm = await maria.says("can you come tomorrow afternoon")
    assert "Wed Mar 5, 12-2pm?" in confirm
    await maria.says("yes please")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.window_start == datetime(2025, 3, 5, 17, 0, tzinfo=UTC)


async def test_a_sunday_is_not_offered_when_the_operator_does_not_work(maria, sms_services, nlu):
    nlu.script["sunday please"] = Says("reschedule_delivery", entities={"date": date(2025, 3, 9)})
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says("sunday please")
    assert "We don't deliver on Sundays" in reply and "Sun Mar" not in reply
    assert "1) Mon Mar 10, 8-10am" in reply


async def test_a_full_window_is_not_offered(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    sms_services.settings.window_capacity = 1
    await seed_delivery(
        sms_services,
        tracking="DS00000001",
        phone="+12015559999",
        window_start=datetime(2025, 3, 5, 13, 0, tzinfo=UTC),
        service_date=date(2025, 3, 5),
    )
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says("reschedule")
    assert "Wed Mar 5, 8-10am" not in offer and "1) Wed Mar 5, 10am-12pm" in offer


async def test_no_changes_the_pick_and_nothing_is_rebooked(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    nlu.script["1"] = Says("inform")
    nlu.script["no"] = Says("deny")
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    await maria.says("reschedule")
    await maria.says("1")
    assert "We can deliver" in await maria.says("no")
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.FAILED_ATTEMPT


async def test_moving_a_stop_off_todays_route_tells_the_driver(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    nlu.script["1"] = Says("inform")
    nlu.script["yes"] = Says("affirm")
    delivery_id = await seed_delivery(sms_services, on_route_today=True, stop=3)
    await maria.says("reschedule")
    await maria.says("1")
    await maria.says("yes")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.route_id is None and delivery.service_date == date(2025, 3, 5)
    assert await count(sms_services, RouteStop, RouteStop.delivery_id == delivery_id) == 0
    [note] = await rows(sms_services, OutboxEvent, OutboxEvent.topic == "driver.note")
    assert note.payload["delivery_id"] == delivery_id and note.payload["stop"] == 3
    assert note.payload["kind"] == "rescheduled"


async def test_after_too_many_failed_attempts_a_person_decides(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    delivery_id = await seed_delivery(
        sms_services,
        status=DeliveryStatus.FAILED_ATTEMPT,
        attempts=sms_services.settings.max_auto_rebooks,
    )
    reply = await maria.says("reschedule")
    assert "a person will contact you" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert (case.delivery_id, case.reason_code) == (delivery_id, "max_attempts")
    assert case.details["transcript"][0]["text"] == "reschedule"
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.FAILED_ATTEMPT


async def test_a_delivered_package_cannot_be_rebooked(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    assert "can't be rebooked" in await maria.says("reschedule")


@pytest.mark.parametrize(
    "text",
    [
        "bring it tuesday",
        "can you come tues afternoon",
        "tuesday after 2 works",
        "try again tuesday? not home today",
        "el martes por favor",
    ],
)
async def test_a_missed_delivery_rebooked_for_todays_weekday_goes_to_next_week(
    text, maria, sms_services, nlu
):
    nlu.script[text] = proposes(text)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    confirm = await maria.says(text)
    assert "Tue Mar 11" in confirm and "YES" in confirm


@pytest.mark.parametrize("text", ["today", "tonight after 6", "this afternoon please"])
async def test_today_said_in_words_is_today_and_too_soon(text, maria, sms_services, nlu):
    nlu.script[text] = proposes(text)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says(text)
    assert reply.startswith("Today's routes are already set") and "Mar 11" not in reply


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("2", Says("inform", confidence=0.7)),
        ("1", Says("affirm", confidence=0.55)),
        ("#3", Says("nlu_fallback", confidence=0.3)),
        ("option 2", Says("inform", confidence=0.6)),
        ("the 2nd one", Says("help", confidence=0.5)),
        ("8", Says("inform", confidence=0.6)),
    ],
)
async def test_a_number_to_the_rebook_confirmation_asks_it_again_after_a_nudge(
    text, nlu_reads, maria, sms_services, nlu
):
    nlu.script["reschedule"] = REBOOK
    nlu.script["2"] = Says("inform")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    await maria.says("reschedule")
    asked = await maria.says("2")
    nlu.script[text] = nlu_reads
    again = await maria.says(text)
    assert again == f"Sorry, please reply YES or NO. {asked}"
    nlu.script["yes"] = Says("affirm")
    assert "rebooked for Wed Mar 5, 12-2pm" in await maria.says("yes")


@pytest.mark.parametrize(
    ("text", "count_offered"), [("4", 3), ("5th", 3), ("7", 3), ("#12", 3), ("option 9", 3)]
)
async def test_a_number_not_on_the_offer_asks_which_one(
    text, count_offered, maria, sms_services, nlu
):
    nlu.script["reschedule"] = REBOOK
    nlu.script[text] = Says("inform")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says("reschedule")
    assert f"Reply 1-{count_offered}" in offer
    assert await maria.says(text) == "Which one? Reply 1, 2 or 3."
    nlu.script["3"] = Says("inform")
    assert "Thu Mar 6, 8-10am?" in await maria.says("3")


async def test_a_number_to_what_day_and_time_asks_for_the_day_again(maria, sms_services, nlu):
    nlu.script["reschedule"] = REBOOK
    nlu.script["none of those"] = Says("deny")
    nlu.script["2"] = Says("inform")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    await maria.says("reschedule")
    asked = await maria.says("none of those")
    assert "What day and time" in asked
    assert await maria.says("2") == asked


async def test_a_number_to_the_rebook_confirmation_in_spanish_is_nudged_in_spanish(
    maria, sms_services, nlu
):
    nlu.script["cambiar"] = Says("reschedule_delivery", language="es")
    nlu.script["2"] = Says("inform", language="es", confidence=0.7)
    nlu.script["3"] = Says("inform", language="es", confidence=0.7)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    await maria.says("CAMBIAR")
    asked = await maria.says("2")
    assert asked.startswith("¿Entregar")
    assert await maria.says("3") == f"Perdon, responda SI o NO. {asked}"


def names_days(text: str) -> Says:
    """A rebook naming days and a time, with the other days named ("tue or wed") as well."""
    says = proposes(text)
    local = NOW.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
    says.entities["alternatives"] = parse_when(text, local).alternatives
    return says


@pytest.mark.parametrize(
    ("said", "language", "asked"),
    [
        ("tuesday or wednesday", "en", "Wed Mar 5, 8-10am?"),
        ("tues or weds afternoon pls", "en", "Wed Mar 5, 12-2pm?"),
        ("tuesday, wednesday or thursday after 3", "en", "Wed Mar 5, 4-6pm?"),
        ("el martes o el miércoles", "es", "mie 5 mar, 8-10am?"),
    ],
)
async def test_todays_weekday_named_first_with_another_day_books_the_other_day(
    said, language, asked, maria, sms_services, nlu
):
    nlu.script[said] = names_days(said)
    nlu.script[said].language = language
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert asked in await maria.says(said)


async def test_the_next_day_named_is_booked_when_the_first_is_full(maria, sms_services, nlu):
    said = "wednesday or thursday morning"
    nlu.script[said] = names_days(said)
    sms_services.settings.daily_capacity = 1
    await seed_delivery(
        sms_services,
        tracking="DS00000001",
        phone="+12015559999",
        window_start=datetime(2025, 3, 5, 13, 0, tzinfo=UTC),
        service_date=date(2025, 3, 5),
    )
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Thu Mar 6, 8-10am?" in await maria.says(said)
