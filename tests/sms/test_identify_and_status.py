"""Where is my package: found by the phone, or proven; a stranger learns nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sms_helpers import Says, seed_delivery

from data.types import DeliveryStatus

WHERE = Says("where_is_my_package")


def _track(number: str) -> Says:
    return Says("where_is_my_package", entities={"tracking_number": number})


async def test_a_scheduled_delivery_gets_its_window(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    await seed_delivery(sms_services)
    reply = await maria.says("where is my package")
    assert "DS20461187 is scheduled for Tue Mar 4, 2-4pm" in reply


async def test_out_for_delivery_says_how_many_stops_away(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    await seed_delivery(
        sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY, on_route_today=True, stop=4
    )
    reply = await maria.says("where is my package")
    assert "out for delivery, 3 stops away" in reply


async def test_delivered_gives_the_time_and_the_photo(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    await seed_delivery(
        sms_services,
        status=DeliveryStatus.DELIVERED,
        delivered_at=datetime(2025, 3, 3, 19, 14, tzinfo=UTC),
        pod_photo_urls=["https://pod.example/p/abc.jpg"],
    )
    reply = await maria.says("where is my package")
    assert "delivered Mon Mar 3 at 2:14pm" in reply
    assert "https://pod.example/p/abc.jpg" in reply


async def test_a_failed_attempt_says_what_happened_and_the_next_step(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    await seed_delivery(
        sms_services,
        status=DeliveryStatus.FAILED_ATTEMPT,
        attempts=1,
        failure_reason="recipient_unavailable",
    )
    reply = await maria.says("where is my package")
    assert "no one was available" in reply and "RESCHEDULE" in reply


async def test_no_delivery_on_the_phone_asks_for_the_tracking_number(stranger, nlu):
    nlu.script["where is my package"] = WHERE
    assert "tracking number" in await stranger.says("where is my package")


async def test_several_deliveries_ask_which_and_a_number_picks(maria, sms_services, nlu):
    nlu.script["where is my package"] = WHERE
    nlu.script["2"] = Says("inform")
    await seed_delivery(sms_services, tracking="DS11111111")
    await seed_delivery(
        sms_services, tracking="DS22222222", status=DeliveryStatus.FAILED_ATTEMPT, attempts=1
    )
    question = await maria.says("where is my package")
    assert "1) DS22222222 (missed)" in question and "2) DS11111111" in question
    assert "DS11111111 is scheduled" in await maria.says("2")


async def test_a_tracking_number_on_the_phone_answers_directly(maria, sms_services, nlu):
    nlu.script["track ds11111111"] = _track("DS11111111")
    await seed_delivery(sms_services, tracking="DS11111111")
    await seed_delivery(sms_services, tracking="DS22222222")
    assert "DS11111111 is scheduled" in await maria.says("track DS11111111")


async def test_a_stranger_must_prove_the_zip_before_learning_anything(stranger, sms_services, nlu):
    nlu.script["track ds20461187"] = _track("DS20461187")
    nlu.script["07030"] = Says("inform")
    await seed_delivery(sms_services)
    ask = await stranger.says("track DS20461187")
    assert "found a package" in ask and "ZIP" in ask
    assert "scheduled" not in ask and "Mar 4" not in ask
    assert "DS20461187 is scheduled for Tue Mar 4" in await stranger.says("07030")


async def test_the_recipients_last_name_also_proves_it(stranger, sms_services, nlu):
    nlu.script["track ds20461187"] = _track("DS20461187")
    nlu.script["it's lopez"] = Says("inform")
    await seed_delivery(sms_services)
    await stranger.says("track DS20461187")
    assert "is scheduled" in await stranger.says("it's Lopez")


async def test_a_wrong_answer_reveals_nothing(stranger, sms_services, nlu):
    nlu.script["track ds20461187"] = _track("DS20461187")
    nlu.script["10001"] = Says("inform")
    await seed_delivery(sms_services)
    await stranger.says("track DS20461187")
    reply = await stranger.says("10001")
    assert "doesn't match" in reply and "DS20461187" not in reply and "Mar" not in reply


async def test_a_few_failures_lock_the_phone_out(stranger, sms_services, nlu):
    nlu.script["track ds20461187"] = _track("DS20461187")
    nlu.script["track ds99999999"] = _track("DS99999999")
    nlu.script["10001"] = Says("inform")
    nlu.script["07030"] = Says("inform")
    await seed_delivery(sms_services)
    await stranger.says("track DS99999999")  # unknown numbers count: existence is the probe
    await stranger.says("track DS20461187")
    await stranger.says("10001")
    await stranger.says("10001")
    locked = await stranger.says("track DS20461187")
    assert "can't look up" in locked
    assert "is scheduled" not in await stranger.says("07030")


async def test_a_verified_phone_is_remembered(stranger, sms_services, nlu):
    nlu.script["track ds20461187"] = _track("DS20461187")
    nlu.script["07030"] = Says("inform")
    nlu.script["where is it now"] = WHERE
    await seed_delivery(sms_services)
    await stranger.says("track DS20461187")
    await stranger.says("07030")
    assert "DS20461187 is scheduled" in await stranger.says("where is it now")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("thank you! when will you try again", "thank_you"),
        ("hi, where's my package?", "greet"),
        ("ok thanks, what time is it coming", "affirm"),
        ("gracias! cuando llega?", "thank_you"),
    ],
)
async def test_thanks_or_hello_with_a_question_after_it_gets_the_answer(
    maria, sms_services, nlu, text, intent
):
    nlu.script[text.lower()] = Says(intent)
    await seed_delivery(sms_services)
    assert "DS20461187 is scheduled for" in await maria.says(text)


async def test_plain_thanks_is_still_just_thanks(maria, sms_services, nlu):
    nlu.script["thanks so much"] = Says("thank_you")
    await seed_delivery(sms_services)
    assert "DS20461187" not in await maria.says("thanks so much")
