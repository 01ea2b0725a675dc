"""Rebooking a failed delivery: concrete windows, a proposed time, confirm, route and driver."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sms_helpers import NOW, Says, count, get_delivery, proposes, rows, seed_delivery

from bot.settings import Settings
from data.models import DeliveryEvent, DeliveryException, OutboxEvent, RouteStop
from data.types import DeliveryStatus
from flows.conversation import decide
from flows.model import ConversationState, DeliveryFacts, Facts
from flows.policy import Policy
from nlu.timeparse import parse_when
from nlu.understanding import Entities, Understanding

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
    ("text", "never"),
    [
        ("we're closed tomorrow, can you come today", "Wed Mar 5"),
        ("can't do wednesday, can it come today?", "Wed Mar 5"),
        ("not thursday. today after 2?", "Thu Mar 6"),
        ("the 5th is no good for us, can you do this afternoon", "Wed Mar 5"),
        ("el miércoles estamos cerrados, ¿pueden venir hoy?", "mie 5 mar"),
    ],
)
async def test_a_day_ruled_out_is_not_in_the_offer_when_the_day_asked_is_too_soon(
    text, never, maria, sms_services, nlu
):
    nlu.script[text] = proposes(text)
    if "miércoles" in text:
        nlu.script[text].language = "es"
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says(text)
    assert "1)" in reply and never not in reply, reply


async def test_a_day_ruled_out_stays_out_of_the_offers_for_the_rest_of_the_rebook(
    maria, sms_services, nlu
):
    said = "we're closed wednesday, can you come thursday morning"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    nlu.script["none of those"] = Says("deny")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Thu Mar 6, 8-10am?" in await maria.says(said)
    offer = await maria.says("no")
    assert "1)" in offer and "Wed Mar 5" not in offer, offer
    assert "What day and time" in await maria.says("none of those")
    nlu.script["any time this week"] = Says("reschedule_delivery")
    again = await maria.says("any time this week")
    assert "1)" in again and "Wed Mar 5" not in again, again


async def test_a_weekday_ruled_out_as_a_habit_is_left_out_of_the_offer(maria, sms_services, nlu):
    said = "wednesdays and thursdays are bad for us, pick another day"
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says(said)
    assert "1) Fri Mar 7" in offer and "Wed" not in offer and "Thu" not in offer, offer


async def test_a_day_ruled_out_and_then_asked_for_is_booked(maria, sms_services, nlu):
    said = "not wednesday, today?"
    nlu.script[said] = proposes(said)
    nlu.script["ok wednesday then, after 2"] = proposes("ok wednesday then, after 2")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Wed Mar 5" not in await maria.says(said)
    assert "Wed Mar 5, 2-4pm?" in await maria.says("ok wednesday then, after 2")


async def test_a_day_ruled_out_before_the_package_is_picked_stays_out(maria, sms_services, nlu):
    said = "we're closed tomorrow, can you come today"
    nlu.script[said] = proposes(said)
    nlu.script["1"] = Says("inform")
    for tracking in ("DS20461187", "DS20461188"):
        await seed_delivery(
            sms_services, tracking=tracking, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
        )
    assert "Which package?" in await maria.says(said)
    offer = await maria.says("1")
    assert "1)" in offer and "Wed Mar 5" not in offer, offer


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


@pytest.mark.parametrize(
    ("said", "first"),
    [
        ("im away until thursday, redeliver then", "1) Thu Mar 6, 8-10am"),
        ("not back till friday", "1) Fri Mar 7, 8-10am"),
        ("estoy fuera hasta el jueves", "1) jue 6 mar, 8-10am"),
    ],
)
async def test_a_customer_away_until_a_day_is_offered_that_day_on(
    said, first, maria, sms_services, nlu
):
    nlu.script[said] = proposes(said)
    nlu.script[said].language = "es" if "hasta" in said else "en"
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    offer = await maria.says(said)
    assert first in offer and "Mar 5" not in offer and "5 mar" not in offer, offer


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
