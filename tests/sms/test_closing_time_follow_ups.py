"""A closing or leaving time said today, checked against the delivery's window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sms_helpers import Says, seed_delivery

from data.types import DeliveryStatus

CLOSES_AT_2 = "we close at 2 today, will it make it?"
# NOW is Tue Mar 4, 10am in New York (15:00 UTC).
WINDOWS = {
    "10am-12pm": (datetime(2025, 3, 4, 15, 0, tzinfo=UTC), datetime(2025, 3, 4, 17, 0, tzinfo=UTC)),
    "1-3pm": (datetime(2025, 3, 4, 18, 0, tzinfo=UTC), datetime(2025, 3, 4, 20, 0, tzinfo=UTC)),
    "2-4pm": (datetime(2025, 3, 4, 19, 0, tzinfo=UTC), datetime(2025, 3, 4, 21, 0, tzinfo=UTC)),
}


async def _business_due(sms_services, window: str, **fields) -> int:
    start, end = WINDOWS[window]
    business = {
        "is_business": True,
        "business_name": "Whitfield Architects",
        "receiving_hours": "Mon-Fri 8am-4pm",
        "window_start": start,
        "window_end": end,
    }
    return await seed_delivery(sms_services, **{**business, **fields})


@pytest.mark.parametrize(
    ("window", "said", "not_said"),
    [
        ("10am-12pm", ["Yes", "before you close at 2pm"], ["RESCHEDULE"]),
        ("1-3pm", ["may not", "you close at 2pm", "RESCHEDULE", "AGENT"], ["Yes"]),
        ("2-4pm", ["no", "after you close at 2pm", "RESCHEDULE", "AGENT"], ["Yes"]),
    ],
)
async def test_a_closing_time_said_today_is_checked_against_the_window(
    maria, sms_services, nlu, window, said, not_said
):
    nlu.script[CLOSES_AT_2] = Says("where_is_my_package", entities={"date": date(2025, 3, 4)})
    await _business_due(sms_services, window)
    reply = await maria.says(CLOSES_AT_2)
    assert "DS20461187" in reply
    for words in said:
        assert words in reply, reply
    for words in not_said:
        assert words not in reply, reply


async def test_a_fresher_eta_decides_over_the_window(maria, sms_services, nlu):
    nlu.script[CLOSES_AT_2] = Says("where_is_my_package")
    await _business_due(
        sms_services,
        "1-3pm",
        status=DeliveryStatus.OUT_FOR_DELIVERY,
        eta=datetime(2025, 3, 4, 18, 20, tzinfo=UTC),
    )
    reply = await maria.says(CLOSES_AT_2)
    assert reply.startswith("Yes") and "1:20pm" in reply


async def test_a_closing_time_is_checked_in_spanish_too(maria, sms_services, nlu):
    nlu.script["cerramos a las 2 hoy, llegara?"] = Says("where_is_my_package", language="es")
    await _business_due(sms_services, "2-4pm")
    reply = await maria.says("cerramos a las 2 hoy, llegara?")
    assert "despues de que cierren a las 2pm" in reply and "CAMBIAR" in reply


async def test_a_closing_time_today_for_a_delivery_due_another_day_gets_its_status(
    maria, sms_services, nlu
):
    nlu.script[CLOSES_AT_2] = Says("where_is_my_package")
    start, end = WINDOWS["10am-12pm"]
    await _business_due(
        sms_services,
        "10am-12pm",
        window_start=start + timedelta(days=1),
        window_end=end + timedelta(days=1),
        service_date=date(2025, 3, 5),
    )
    reply = await maria.says(CLOSES_AT_2)
    assert "is scheduled for Wed Mar 5" in reply and "close" not in reply


@pytest.mark.parametrize(
    ("text", "nlu_reads", "said"),
    [
        (
            "i have to leave at 3 today, will it be here before then?",
            Says("where_is_my_package", entities={"date": date(2025, 3, 4)}),
            "It may not: DS20461187 is due Tue Mar 4, 2-4pm, and you need it by 3pm.",
        ),
        (
            "will it be here before 1?",
            Says("where_is_my_package", entities={"before": "13:00"}),
            "Sorry, no: DS20461187 is due Tue Mar 4, 2-4pm, after 1pm.",
        ),
        (
            "im only home until 5, will it come before that",
            Says("where_is_my_package", entities={"before": "17:00"}),
            "Yes: DS20461187 is due Tue Mar 4, 2-4pm, before 5pm.",
        ),
    ],
)
async def test_a_time_of_their_own_is_checked_against_the_window(
    maria, sms_services, nlu, text, nlu_reads, said
):
    nlu.script[text] = nlu_reads
    await seed_delivery(sms_services)  # a home delivery, 2-4pm today
    assert said in await maria.says(text)


@pytest.mark.parametrize(
    "text",
    [
        "hi this is dana, we close early today at 2. will the delivery make it?",
        "we're closing early today, at 2pm. will it make it?",
        "nobody will be here after 2 today, is it coming before?",
    ],
)
async def test_a_closing_time_said_in_other_words_is_checked_too(maria, sms_services, nlu, text):
    nlu.script[text] = Says("where_is_my_package")
    await _business_due(sms_services, "2-4pm")
    assert "after you close at 2pm" in await maria.says(text)
