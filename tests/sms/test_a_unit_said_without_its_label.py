"""The unit a failed delivery lacked, said without "apt" ("I live in 4B, it's on the label!!",
"vivo en el 4B"), is taken as that unit, however the NLU reads the message."""

from __future__ import annotations

import pytest
from sms_helpers import Says, get_delivery, seed_delivery

from data.types import DeliveryStatus

NO_UNIT = {
    "status": DeliveryStatus.FAILED_ATTEMPT,
    "failure_reason": "address_incorrect_or_incomplete",
}


@pytest.mark.parametrize(
    ("text", "read_as", "unit"),
    [
        ("I live in 4B, it's on the label!!", "complain", "Apt 4B"),
        ("we're in 12. please try again", "change_address", "Apt 12"),
        ("i am in 3C and nobody buzzed me", "complain", "Apt 3C"),
        ("vivo en el 4B, ya lo había puesto", "inform", "Apt 4B"),
    ],
)
async def test_the_unit_is_taken(maria, sms_services, nlu, text, read_as, unit):
    nlu.script[text.lower()] = Says(read_as, confidence=0.8)
    delivery_id = await seed_delivery(sms_services, **NO_UNIT)
    reply = await maria.says(text)
    assert unit in reply, reply
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == unit


@pytest.mark.parametrize(
    "text", ["I'm in 2 meetings today, can it come tomorrow", "i'm in 10:30 to 5 at work"]
)
async def test_a_number_that_is_no_unit_changes_nothing(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("inform", confidence=0.8)
    delivery_id = await seed_delivery(sms_services, **NO_UNIT)
    await maria.says(text)
    assert (await get_delivery(sms_services, delivery_id)).address_line2 is None
