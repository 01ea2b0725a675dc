"""After the customer picks a package out of the list, a refusal or an address change stays
with the one picked (it would return or move another they did not mean); a rebook that can't
be about the one picked (delivered) goes to the one still coming."""

from __future__ import annotations

from datetime import UTC, datetime

from sms_helpers import Says, count, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 4, 13, 43, tzinfo=UTC),
}


async def _picked_the_delivered_one(maria, sms_services, nlu) -> None:  # noqa: ANN001
    await seed_delivery(sms_services, tracking="DS32887490", **DELIVERED)
    await seed_delivery(sms_services, tracking="DS44279345")  # scheduled, 2-4pm today
    nlu.script["where are my packages"] = Says("where_is_my_package")
    listed = await maria.says("where are my packages")
    assert "1) DS44279345" in listed and "2) DS32887490" in listed, listed
    assert "DS32887490 was delivered" in await maria.says("the second one")


async def test_a_rebook_goes_to_the_package_still_coming(maria, sms_services, nlu):
    await _picked_the_delivered_one(maria, sms_services, nlu)
    nlu.script["i want to rebook my delivery"] = Says("reschedule_delivery")
    reply = await maria.says("I want to rebook my delivery")
    assert "can't be rebooked" not in reply, reply
    assert "Reply 1-3" in reply or "Reply YES" in reply, reply


async def test_a_refusal_stays_with_the_package_picked(maria, sms_services, nlu):
    await _picked_the_delivered_one(maria, sms_services, nlu)
    nlu.script["send it back"] = Says("refuse_delivery")
    reply = await maria.says("send it back")
    assert "DS32887490 can't be refused now" in reply, reply
    assert await count(sms_services, DeliveryException) == 0
