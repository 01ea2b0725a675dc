"""Each phone's messages are kept as conversations: the thread dispatch reads when it takes over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sms_helpers import Phone, Says, rows, seed_delivery
from sqlalchemy import select

from bot.app import create_app
from data.models import Conversation, DeliveryException, Message
from data.types import DeliveryStatus, Direction


async def _thread(services, conversation_id: int) -> list[tuple[str, str]]:
    async with services.sessions() as session:
        messages = await session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        )
        return [(m.direction.value, m.body) for m in messages]


async def test_both_sides_of_a_conversation_are_one_thread_about_its_delivery(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["thanks"] = Says("thank")
    delivery_id = await seed_delivery(sms_services)
    answer = await maria.says("where is my package")
    await maria.says("thanks")
    [conversation] = await rows(sms_services, Conversation)
    assert (conversation.phone, conversation.status) == ("+12015550123", "open")
    assert conversation.delivery_id == delivery_id
    assert conversation.last_message_at == maria.now
    thread = await _thread(sms_services, conversation.id)
    assert [who for who, _ in thread] == ["inbound", "outbound", "inbound", "outbound"]
    assert thread[0][1] == "where is my package" and thread[1][1] == answer


async def test_a_phone_that_comes_back_after_the_idle_time_starts_a_new_conversation(
    maria, sms_services, nlu
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    await maria.says("where is my package")
    maria.now += timedelta(seconds=sms_services.settings.conversation_ttl_seconds - 60)
    await maria.says("where is my package")  # still the same conversation
    maria.now += timedelta(seconds=sms_services.settings.conversation_ttl_seconds + 1)
    await maria.says("where is my package")
    old, new = sorted(await rows(sms_services, Conversation), key=lambda c: c.id)
    assert (old.status, new.status) == ("closed", "open")
    assert len(await _thread(sms_services, old.id)) == 4
    assert len(await _thread(sms_services, new.id)) == 2


async def test_each_phone_has_its_own_conversation(client, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    first = Phone(client, sms_services, "+12015550123")
    second = Phone(client, sms_services, "+12015550124")
    await first.says("where is my package")
    await second.says("where is my package")
    await first.says("where is my package")
    conversations = await rows(sms_services, Conversation)
    assert sorted(c.phone for c in conversations) == ["+12015550123", "+12015550124"]


async def test_a_handed_off_conversation_is_marked_and_the_case_points_at_it(
    maria, sms_services, nlu
):
    nlu.script["i want to talk to a person"] = Says("request_human")
    await seed_delivery(sms_services)
    await maria.says("i want to talk to a person")
    [conversation] = await rows(sms_services, Conversation)
    assert conversation.status == "handed_off"
    [case] = await rows(sms_services, DeliveryException)
    assert case.details["conversation_id"] == conversation.id


async def test_a_message_kept_for_a_person_after_the_deadline_is_in_the_conversation(
    maria, sms_services, nlu
):
    sms_services.settings.sms_reply_deadline_seconds = 0.5
    nlu.delay = 5.0
    await maria.says("where is it")
    for _ in range(100):  # the case is opened in the background, after the answer
        if await rows(sms_services, DeliveryException):
            break
        await asyncio.sleep(0.02)
    [case] = await rows(sms_services, DeliveryException)
    [conversation] = await rows(sms_services, Conversation)
    assert conversation.status == "handed_off"
    assert case.details["conversation_id"] == conversation.id
    [inbound] = await rows(sms_services, Message, Message.direction == Direction.INBOUND)
    assert inbound.conversation_id == conversation.id


async def test_stop_ends_the_conversation_with_its_confirmation(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    await maria.says("where is my package")
    await maria.says("STOP")
    [conversation] = await rows(sms_services, Conversation)
    assert conversation.status == "closed"
    thread = await _thread(sms_services, conversation.id)
    assert thread[-2:] == [("inbound", "STOP"), ("outbound", thread[-1][1])]
    assert "unsubscribed" in thread[-1][1]


async def test_a_repeated_webhook_opens_no_second_conversation(sms_services_any_db):
    services = sms_services_any_db
    services.nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(services=services)),
        base_url="http://app.internal",
    ) as client:
        phone = Phone(client, services, "+12015550123")
        await phone.says("where is my package", sid="SM" + "7" * 32)
        assert await phone.says("where is my package", sid="SM" + "7" * 32) == ""
    [conversation] = await rows(services, Conversation)
    assert len(await _thread(services, conversation.id)) == 2


def _sample(name: str, **labels: str) -> float:
    from bot.metrics import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_turns_and_hand_offs_are_counted_for_the_operator(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["let me talk to someone"] = Says("request_human")
    await seed_delivery(sms_services)
    answered = ("doorstep_sms_turns_total", {"intent": "where_is_my_package", "handed_off": "no"})
    handed = ("doorstep_sms_turns_total", {"intent": "request_human", "handed_off": "yes"})
    case = (
        "doorstep_cases_opened_total",
        {"type": "customer_message", "reason": "customer_request"},
    )
    before = [_sample(name, **labels) for name, labels in (answered, handed, case)]
    await maria.says("where is my package")
    await maria.says("let me talk to someone")
    after = [_sample(name, **labels) for name, labels in (answered, handed, case)]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]


async def test_a_claim_case_names_its_conversation(maria, sms_services, nlu):
    nlu.script["the box is crushed"] = Says("report_damaged_package")
    await seed_delivery(
        sms_services, status=DeliveryStatus.DELIVERED, pod_photo_urls=["https://pod.example/1.jpg"]
    )
    await maria.says("the box is crushed", media=["https://api.twilio.com/x/Media/ME1"])
    [conversation] = await rows(sms_services, Conversation)
    [case] = await rows(sms_services, DeliveryException)
    assert case.type == "claim" and case.details["conversation_id"] == conversation.id
