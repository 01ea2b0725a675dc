"""A closing time said in other words ("we close early today at 2", "we shut at 2", "cerramos a
las 2") narrows the rebook's windows to those that end by then, in this message and for the rest
of the rebook. It is Tuesday, March 4 2025."""

from __future__ import annotations

import pytest
from sms_helpers import Says, proposes, seed_delivery

from data.types import DeliveryStatus


async def _failed(services) -> int:  # noqa: ANN001
    return await seed_delivery(
        services,
        status=DeliveryStatus.FAILED_ATTEMPT,
        attempts=1,
        failure_reason="business_closed",
    )


@pytest.mark.parametrize(
    ("text", "language", "asked"),
    [
        ("we close early today at 2, can you come tomorrow afternoon", "en", "Wed Mar 5, 12-2pm?"),
        ("we shut at 2. tomorrow afternoon?", "en", "Wed Mar 5, 12-2pm?"),
        ("we're only open till 2 today, tomorrow afternoon?", "en", "Wed Mar 5, 12-2pm?"),
        ("today we close at 1, wednesday before 2 ok?", "en", "Wed Mar 5, 8-10am?"),
        ("cerramos a las 2, ¿mañana por la tarde?", "es", "mie 5 mar, 12-2pm?"),
        ("cerramos temprano hoy a las 2, mañana en la tarde", "es", "mie 5 mar, 12-2pm?"),
    ],
)
async def test_a_closing_time_said_books_a_window_that_ends_by_then(
    text, language, asked, maria, sms_services, nlu
):
    nlu.script[text.lower()] = proposes(text)
    nlu.script[text.lower()].language = language
    await _failed(sms_services)
    reply = await maria.says(text)
    assert asked in reply, reply


async def test_a_closing_time_said_earlier_narrows_the_windows_offered_after_a_no(
    maria, sms_services, nlu
):
    said = "we shut at 2, can you come thursday"
    nlu.script[said] = proposes(said)
    nlu.script["no"] = Says("deny")
    await _failed(sms_services)
    assert "Thu Mar 6, 8-10am?" in await maria.says(said)
    offer = await maria.says("no")
    assert "1)" in offer and "2-4pm" not in offer and "4-6pm" not in offer, offer
    assert "until 2pm" in offer, offer


async def test_a_closing_time_for_saturdays_narrows_saturday_only(maria, sms_services, nlu):
    said = "we close early on saturdays, at 11. saturday please"
    nlu.script[said] = proposes(said)
    await _failed(sms_services)
    assert "Sat Mar 8, 8-10am?" in await maria.says(said)
