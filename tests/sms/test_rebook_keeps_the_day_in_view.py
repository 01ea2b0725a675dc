"""Hours said in answer to a window we proposed, or to an offer for a day the customer asked
for, keep that day: "thursday works", then "the afternoon one" is Thursday afternoon, not the
first afternoon we have. A message that names another day moves to it. It is Tuesday, March 4
2025, 10am in New York."""

from __future__ import annotations

import pytest
from sms_helpers import Says, proposes, seed_delivery

from data.types import DeliveryStatus

MORNING = {"after": "08:00", "before": "12:00"}
AFTERNOON = {"after": "12:00", "before": "17:00"}


async def _proposed_thursday(maria, sms_services, nlu, said: str = "thursday works") -> str:
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    return await maria.says(said)


@pytest.mark.parametrize(
    ("text", "says", "window"),
    [
        ("the afternoon one", Says("inform", entities=AFTERNOON), "Thu Mar 6, 12-2pm?"),
        ("anything in the afternoon?", Says("inform", entities=AFTERNOON), "Thu Mar 6, 12-2pm?"),
        ("after lunch", Says("inform", entities={"after": "13:00"}), "Thu Mar 6, 2-4pm?"),
        ("no, after 5", Says("deny", entities={"after": "17:00"}), "Thu Mar 6, 6-8pm?"),
        ("later that day", Says("goodbye", confidence=0.98), "Thu Mar 6, 10am-12pm?"),
        ("something later?", Says("inform", confidence=0.5), "Thu Mar 6, 10am-12pm?"),
        (
            "could it be later in the day?",
            Says("reschedule_delivery", confidence=0.93),
            "Thu Mar 6, 10am-12pm?",
        ),
    ],
)
async def test_hours_said_to_a_proposed_window_keep_its_day(
    text, says, window, maria, sms_services, nlu
):
    assert "Thu Mar 6, 8-10am?" in await _proposed_thursday(maria, sms_services, nlu)
    nlu.script[text] = says
    reply = await maria.says(text)
    assert window in reply, reply


async def test_the_morning_after_an_afternoon_proposed_is_that_days_morning(
    maria, sms_services, nlu
):
    said = "thursday after 3"
    assert "Thu Mar 6, 4-6pm?" in await _proposed_thursday(maria, sms_services, nlu, said)
    nlu.script["something in the morning"] = Says("inform", entities=MORNING)
    assert "Thu Mar 6, 8-10am?" in await maria.says("something in the morning")
    nlu.script["earlier that day"] = Says("inform", confidence=0.4)
    assert "Thu Mar 6, 6-8am" not in await maria.says("earlier that day")


async def test_spanish_later_that_day_keeps_the_day(maria, sms_services, nlu):
    said = "el jueves"
    nlu.script[said] = proposes("thursday")
    nlu.script[said].language = "es"
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "jue 6 mar, 8-10am?" in await maria.says(said)
    nlu.script["más tarde ese día"] = Says("goodbye", confidence=0.32, language="es")
    assert "jue 6 mar, 10am-12pm?" in await maria.says("más tarde ese día")


async def test_another_day_named_with_the_hours_moves_to_it(maria, sms_services, nlu):
    await _proposed_thursday(maria, sms_services, nlu)
    nlu.script["friday afternoon"] = proposes("friday afternoon")
    assert "Fri Mar 7, 12-2pm?" in await maria.says("friday afternoon")


async def test_a_goodbye_to_a_proposed_window_is_not_read_as_later(maria, sms_services, nlu):
    await _proposed_thursday(maria, sms_services, nlu)
    for text in ("talk to you later", "ok i'll check later"):
        nlu.script[text] = Says("goodbye")
        assert "Thu Mar 6, 10am" not in await maria.says(text)


async def test_hours_said_to_an_offer_for_the_day_asked_keep_that_day(maria, sms_services, nlu):
    said = "thursday before 9am"  # no window ends by 9: the offer from Thursday on
    nlu.script[said] = proposes(said)
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "1)" in await maria.says(said)
    nlu.script["the afternoon one"] = Says("inform", entities=AFTERNOON)
    assert "Thu Mar 6, 12-2pm?" in await maria.says("the afternoon one")
