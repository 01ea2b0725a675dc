"""An address change that names a day ("it's apt 4B, bring it friday") books that day only if
it has room, like any rebook."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sms_helpers import Says, get_delivery, seed_delivery

from actions import lookup
from data.types import DeliveryStatus

NO_UNIT = {
    "status": DeliveryStatus.FAILED_ATTEMPT,
    "attempts": 1,
    "failure_reason": "address_incorrect_or_incomplete",
}
FRIDAY = date(2025, 3, 7)


async def _book_others(services, day: date, booked: int) -> None:
    """Other customers' deliveries already booked on `day`."""
    for n in range(booked):
        await seed_delivery(
            services,
            tracking=f"DS9000000{n}",
            phone=f"+1201555990{n}",
            service_date=day,
            window_start=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=13),
        )


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("its apt 4b, can you bring it friday instead", "apt 4b"),
        ("wrong address, it's 12 hudson st #2, deliver friday", "12 Hudson St #2"),
        ("new address is 30 washington st apt 4 07030, bring it friday", "30 Washington St apt 4"),
    ],
)
async def test_an_address_change_naming_a_full_day_does_not_promise_it(
    maria, sms_services, nlu, text, address
):
    nlu.script[text] = Says("change_address", entities={"address": address, "date": FRIDAY})
    delivery_id = await seed_delivery(sms_services, **NO_UNIT)
    await _book_others(sms_services, FRIDAY, booked=1)
    sms_services.settings.daily_capacity = 1
    reply = await maria.says(text)
    assert "Done: we'll deliver to" in reply
    assert "That time is full" in reply and "1) Sat Mar 8" in reply and "Fri Mar 7" not in reply
    assert (await get_delivery(sms_services, delivery_id)).address_line2 is not None


async def test_an_address_change_naming_a_day_with_room_books_that_day(maria, sms_services, nlu):
    text = "its apt 4b, can you bring it friday instead"
    nlu.script[text] = Says("change_address", entities={"address": "apt 4b", "date": FRIDAY})
    await seed_delivery(sms_services, **NO_UNIT)
    await _book_others(sms_services, FRIDAY, booked=2)
    sms_services.settings.daily_capacity = 3  # one place left
    assert "Fri Mar 7" in await maria.says(text)


async def test_an_address_change_kept_while_the_package_is_picked_checks_the_day_too(
    maria, sms_services, nlu
):
    text = "its apt 4b, can you bring it friday instead"
    nlu.script[text] = Says("change_address", entities={"address": "apt 4b", "date": FRIDAY})
    nlu.script["ds1"] = Says("inform", entities={"tracking_number": "DS1"})
    await seed_delivery(sms_services, tracking="DS1", **NO_UNIT)
    await seed_delivery(sms_services, tracking="DS2")
    await _book_others(sms_services, FRIDAY, booked=1)
    sms_services.settings.daily_capacity = 1
    assert "Which package?" in await maria.says(text)
    reply = await maria.says("DS1")
    assert "Done: we'll deliver to 12 Hudson St, Apt 4B" in reply
    assert "That time is full" in reply and "Fri Mar 7" not in reply


@pytest.mark.parametrize(
    ("text", "says", "reads_the_load"),
    [
        ("its apt 4b", Says("change_address", entities={"address": "apt 4b"}), False),
        ("where is my package", Says("where_is_my_package"), False),
        (
            "friday please, its apt 4b",
            Says("inform", entities={"address": "apt 4b", "date": FRIDAY}),
            True,
        ),
        ("reschedule", Says("reschedule_delivery"), True),
    ],
)
async def test_the_booked_load_is_read_only_when_a_day_may_be_booked(
    maria, sms_services, nlu, monkeypatch, text, says, reads_the_load
):
    nlu.script[text] = says
    reads = []
    real = lookup.booked_load

    async def counted(*args, **kwargs):
        reads.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(lookup, "booked_load", counted)
    await seed_delivery(sms_services, **NO_UNIT)
    await maria.says(text)
    assert bool(reads) is reads_the_load


async def test_an_address_change_with_a_day_while_picking_a_time_changes_both(
    maria, sms_services, nlu
):
    text = "new address is 30 washington st apt 4 07030, can you bring it friday instead"
    nlu.script["reschedule"] = Says("reschedule_delivery")
    nlu.script[text] = Says(
        "change_address", entities={"address": "30 Washington St apt 4", "date": FRIDAY}
    )
    delivery_id = await seed_delivery(sms_services, **NO_UNIT)
    await _book_others(sms_services, FRIDAY, booked=1)
    sms_services.settings.daily_capacity = 1
    assert "1)" in await maria.says("reschedule")
    reply = await maria.says(text)
    assert "Done: we'll deliver to 30 Washington St, Apt 4" in reply
    assert "That time is full" in reply and "Fri Mar 7" not in reply
    delivery = await get_delivery(sms_services, delivery_id)
    assert (delivery.address_line1, delivery.address_line2) == ("30 Washington St", "Apt 4")
