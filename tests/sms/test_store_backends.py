"""The same conversations on PostgreSQL and a real Redis; state survives an app restart."""

from __future__ import annotations

import httpx
from sms_helpers import Phone, Says, count, get_delivery, rows, seed_delivery

from bot.app import create_app
from data.models import DeliveryEvent, Message
from data.types import DeliveryStatus, Direction


def _phone(services, number="+12015550123") -> tuple[Phone, httpx.AsyncClient]:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(services=services)),
        base_url="http://app.internal",
    )
    return Phone(client, services, number), client


async def test_a_rebook_half_done_survives_an_app_restart(sms_services_any_db):
    services = sms_services_any_db
    services.nlu.script.update(
        {"reschedule": Says("reschedule_delivery"), "3": Says("inform"), "yes": Says("affirm")}
    )
    delivery_id = await seed_delivery(services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    phone, client = _phone(services)
    async with client:
        await phone.says("reschedule")
        await phone.says("3")
    restarted, client = _phone(services)  # a new app on the same Redis and database
    async with client:
        assert "rebooked for Thu Mar 6, 8-10am" in await restarted.says("yes")
    delivery = await get_delivery(services, delivery_id)
    assert delivery.status == DeliveryStatus.SCHEDULED
    assert await count(services, DeliveryEvent, DeliveryEvent.delivery_id == delivery_id) == 1


async def test_duplicates_and_strangers_on_every_store(sms_services_any_db):
    services = sms_services_any_db
    services.nlu.script.update(
        {
            "track ds20461187": Says(
                "where_is_my_package", entities={"tracking_number": "DS20461187"}
            )
        }
    )
    await seed_delivery(services)
    stranger, client = _phone(services, "+19735550999")
    async with client:
        first = await stranger.says("track DS20461187", sid="SMdup")
        assert "found a package" in first and "scheduled" not in first
        assert await stranger.says("track DS20461187", sid="SMdup") == ""
    assert await count(services, Message, Message.direction == Direction.INBOUND) == 1
    [reply] = await rows(services, Message, Message.direction == Direction.OUTBOUND)
    assert reply.template == "identify.verify_ask"
