"""Queued replies go out through the outbox; opted-out numbers are never texted."""

from __future__ import annotations

from sms_helpers import NOW, rows

from actions.messages import queue_message
from bot.sms.sender import ConsoleSender, SendFailed, send_pending
from data.models import Contact, Message
from data.types import MessageStatus


async def _queue(services, phone: str) -> None:  # noqa: ANN001
    async with services.sessions() as session, session.begin():
        queue_message(
            session,
            phone=phone,
            body="A person will reply soon.",
            template="handoff.person",
            delivery_id=None,
            now=NOW,
        )


async def test_a_queued_message_is_sent_once(sms_services):
    await _queue(sms_services, "+12015550123")
    sender = ConsoleSender()
    assert await send_pending(sms_services, sender, now=NOW) == 1
    assert await send_pending(sms_services, sender, now=NOW) == 0
    [message] = await rows(sms_services, Message)
    assert message.status == MessageStatus.QUEUED and message.provider_id.startswith("console-")
    assert sender.sent == [("+12015550123", "A person will reply soon.")]


async def test_an_opted_out_number_is_suppressed(sms_services, maria):
    await maria.says("STOP")
    await _queue(sms_services, maria.number)
    sender = ConsoleSender()
    await send_pending(sms_services, sender, now=NOW)
    assert sender.sent == []
    pending = await rows(sms_services, Message, Message.template == "handoff.person")
    assert pending[0].status == MessageStatus.SUPPRESSED


async def test_twilio_21610_opts_the_number_out(sms_services):
    class Refusing:
        async def send(self, *, to, body, media_urls):  # noqa: ANN001, ANN202
            raise SendFailed("21610", "Attempt to send to unsubscribed recipient")

    await _queue(sms_services, "+12015550123")
    await send_pending(sms_services, Refusing(), now=NOW)
    [contact] = await rows(sms_services, Contact)
    assert contact.opted_out and contact.opt_out_source == "twilio_21610"


async def test_the_worker_hands_queued_replies_to_the_sender(sms_services):
    import asyncio

    from bot.worker import Worker

    await _queue(sms_services, "+12015550124")
    worker = Worker(sms_services, run_relay=False, run_scheduler=False)
    await worker.start()
    try:
        for _ in range(100):
            [message] = await rows(sms_services, Message)
            if message.status != MessageStatus.PENDING:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1


def _outbound_count(status: str) -> float:
    from bot.metrics import REGISTRY

    value = REGISTRY.get_sample_value("doorstep_outbound_messages_total", {"status": status})
    return value or 0.0


async def test_a_message_handed_to_the_provider_is_counted_for_prometheus(sms_services, maria):
    before = {s: _outbound_count(s) for s in ("queued", "suppressed")}
    await _queue(sms_services, "+12015550123")
    assert await send_pending(sms_services, ConsoleSender(), now=NOW) == 1
    await maria.says("STOP")
    await _queue(sms_services, maria.number)
    await send_pending(sms_services, ConsoleSender(), now=NOW)
    assert _outbound_count("queued") - before["queued"] == 1
    assert _outbound_count("suppressed") - before["suppressed"] == 1
