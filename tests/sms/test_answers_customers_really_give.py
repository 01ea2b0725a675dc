"""What customers really reply: "yes" to a list, "the second one", "tmrw after 5" on a Sunday,
a gate code after a failed attempt, a long route, a recipient in another time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sms_helpers import Says, count, get_delivery, seed_delivery

from data.models import OutboxEvent
from data.types import DeliveryStatus

OFFER = "1) Wed Mar 5, 8-10am 2) Wed Mar 5, 12-2pm 3) Thu Mar 6, 8-10am"


async def _offered(maria, sms_services, nlu) -> int:
    nlu.script["reschedule"] = Says("reschedule_delivery")
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    assert OFFER in await maria.says("RESCHEDULE")
    return delivery_id


async def test_yes_to_the_window_list_asks_which_one_then_the_second_one_books(
    maria, sms_services, nlu
):
    nlu.script["yes"] = Says("affirm")
    nlu.script["the second one"] = Says("inform", confidence=0.3)
    delivery_id = await _offered(maria, sms_services, nlu)
    assert await maria.says("yes") == "Which one? Reply 1, 2 or 3."
    assert "Wed Mar 5, 12-2pm?" in await maria.says("the second one")
    assert "rebooked for Wed Mar 5, 12-2pm" in await maria.says("yes")
    delivery = await get_delivery(sms_services, delivery_id)
    assert delivery.window_start == datetime(2025, 3, 5, 17, 0, tzinfo=UTC)


async def test_ordinals_and_a_weekday_pick_from_the_window_list(maria, sms_services, nlu):
    nlu.script["no"] = Says("deny")
    await _offered(maria, sms_services, nlu)
    assert "Thu Mar 6, 8-10am?" in await maria.says("the thursday one")
    await maria.says("no")  # other times: the offer again
    assert "Wed Mar 5, 8-10am?" in await maria.says("1st")


async def test_el_segundo_picks_the_second_window_in_spanish(maria, sms_services, nlu):
    nlu.script["quiero cambiar la entrega"] = Says("reschedule_delivery", language="es")
    nlu.script["el segundo"] = Says("inform", language="es", confidence=0.4)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Responda 1-3" in await maria.says("quiero cambiar la entrega")
    assert "mie 5 mar, 12-2pm?" in await maria.says("el segundo")


async def test_tomorrow_after_5_on_a_saturday_says_we_skip_sundays_and_offers_monday_evening(
    maria, sms_services, nlu
):
    maria.now = datetime(2025, 3, 8, 15, 0, tzinfo=UTC)  # Saturday 10am in New York
    nlu.script["can you come back tmrw after 5"] = Says(
        "reschedule_delivery", entities={"date": date(2025, 3, 9), "after": "17:00"}
    )
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    reply = await maria.says("can you come back tmrw after 5")
    assert reply.startswith("We don't deliver on Sundays.")
    assert "1) Mon Mar 10, 6-8pm 2) Tue Mar 11, 6-8pm" in reply
    assert "full or outside our hours" not in reply


async def test_a_gate_code_after_a_failed_attempt_is_kept_for_the_next_attempt(
    maria, sms_services, nlu
):
    nlu.script["gate code is 4821#"] = Says(
        "give_delivery_instructions", entities={"access_code": "4821"}
    )
    delivery_id = await seed_delivery(
        sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1, on_route_today=True
    )
    reply = await maria.says("gate code is 4821#")
    assert "next attempt" in reply and "today's driver" not in reply
    assert (await get_delivery(sms_services, delivery_id)).access_code == "4821"
    assert await count(sms_services, OutboxEvent, OutboxEvent.topic == "driver.note") == 0


async def test_a_long_route_gives_the_eta_not_a_count_of_35_stops(maria, sms_services, nlu):
    nlu.script["where is it"] = Says("where_is_my_package")
    eta = datetime(2025, 3, 4, 16, 30, tzinfo=UTC)
    await seed_delivery(
        sms_services,
        status=DeliveryStatus.OUT_FOR_DELIVERY,
        on_route_today=True,
        stop=36,
        eta=eta,
    )
    reply = await maria.says("where is it")
    assert "35 stops" not in reply and "ETA 11:30am" in reply


async def test_an_eta_already_past_gives_the_window_instead(maria, sms_services, nlu):
    nlu.script["where is it"] = Says("where_is_my_package")
    await seed_delivery(
        sms_services,
        status=DeliveryStatus.OUT_FOR_DELIVERY,
        on_route_today=True,
        stop=3,
        eta=datetime(2025, 3, 4, 14, 0, tzinfo=UTC) - timedelta(minutes=30),
    )
    reply = await maria.says("where is it")
    assert "2 stops away" in reply and "ETA" not in reply and "Window" in reply


async def test_dates_are_read_in_the_recipients_time_zone(maria, sms_services, nlu):
    seen: list[str] = []
    parse = nlu.parse

    async def spy(text, **kwargs):  # noqa: ANN001, ANN202
        seen.append(kwargs["tz"])
        return await parse(text, **kwargs)

    nlu.parse = spy
    nlu.script["thursday please"] = Says("reschedule_delivery", entities={"date": date(2025, 3, 6)})
    await seed_delivery(
        sms_services,
        status=DeliveryStatus.FAILED_ATTEMPT,
        attempts=1,
        timezone="America/Los_Angeles",
    )
    await maria.says("thursday please")
    assert seen[-1] == "America/Los_Angeles"


async def test_the_second_one_picks_the_second_package(maria, sms_services, nlu):
    nlu.script["wheres my stuff"] = Says("where_is_my_package")
    nlu.script["the second one"] = Says("inform", confidence=0.3)
    await seed_delivery(sms_services, tracking="DS11111111", status=DeliveryStatus.FAILED_ATTEMPT)
    await seed_delivery(sms_services, tracking="DS22222222")
    listed = await maria.says("wheres my stuff")
    assert "1) DS11111111" in listed and "2) DS22222222" in listed
    assert (await maria.says("the second one")).startswith("DS22222222 is scheduled")


async def test_asking_for_a_person_while_we_wait_for_a_damage_photo_reaches_a_person(
    maria, sms_services, nlu
):
    nlu.script["the box arrived crushed"] = Says("report_damaged_package")
    nlu.script["let me talk to a real person"] = Says("request_human")
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    assert "photo" in await maria.says("the box arrived crushed")
    assert "A person from our team" in await maria.says("let me talk to a real person")
