"""STOP, START and HELP come before any understanding; Twilio's status callbacks are kept."""

from __future__ import annotations

from sms_helpers import Says, count, rows, seed_delivery
from sqlalchemy import select

from bot.sms.signature import sign
from data.models import ConsentEvent, Contact, Message
from data.types import Direction, MessageStatus


async def test_stop_opts_the_contact_out_in_the_consent_ledger(maria, sms_services):
    reply = await maria.says("Stop")
    assert "unsubscribed" in reply and "START" in reply
    [contact] = await rows(sms_services, Contact)
    assert contact.opted_out and contact.opt_out_source == "keyword"
    [event] = await rows(sms_services, ConsentEvent)
    assert (event.action, event.keyword) == ("opt_out", "STOP")


async def test_every_carrier_opt_out_word_counts(client, sms_services):
    from sms_helpers import Phone

    for n, word in enumerate(
        ["STOPALL", "unsubscribe", "CANCEL", "end", "QUIT", "REVOKE", "OPTOUT"]
    ):
        phone = Phone(client, sms_services, f"+1201555{1000 + n}")
        await phone.says(word)
    assert await count(sms_services, Contact, Contact.opted_out.is_(True)) == 7


async def test_stop_please_is_not_a_keyword(maria, sms_services, nlu):
    nlu.script["stop please"] = Says("opt_out")
    reply = await maria.says("stop please")
    assert "reply STOP" in reply
    assert await count(sms_services, ConsentEvent) == 0


async def test_an_opted_out_number_is_recorded_but_gets_no_reply(maria, sms_services, nlu):
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    await maria.says("STOP")
    assert await maria.says("where is my package") == ""
    inbound = await rows(sms_services, Message, Message.direction == Direction.INBOUND)
    assert [m.body for m in inbound] == ["STOP", "where is my package"]


async def test_start_and_yes_opt_back_in(maria, sms_services):
    await maria.says("STOP")
    reply = await maria.says("YES")
    assert "subscribed" in reply and "Msg & data rates may apply" in reply
    [contact] = await rows(sms_services, Contact)
    assert not contact.opted_out
    actions = [e.action for e in await rows(sms_services, ConsentEvent)]
    assert actions == ["opt_out", "opt_in"]


async def test_help_gives_brand_support_opt_out_and_rates(maria, sms_services):
    reply = await maria.says("HELP")
    settings = sms_services.settings
    assert settings.brand_name in reply and settings.support_contact in reply
    assert "STOP" in reply and "Msg & data rates may apply" in reply


async def test_yes_from_a_subscribed_customer_is_an_answer_not_a_keyword(maria, sms_services, nlu):
    nlu.script["yes"] = Says("affirm")
    reply = await maria.says("YES")
    assert "subscribed" not in reply
    assert await count(sms_services, ConsentEvent) == 0


async def _status(client, sms_services, sid: str, status: str, error: str | None = None):
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1"}
    if error:
        params["ErrorCode"] = error
    url = sms_services.settings.public_base_url + "/twilio/status"
    return await client.post(
        "/twilio/status",
        data=params,
        headers={"X-Twilio-Signature": sign(sms_services.settings, url, params)},
    )


async def _outbound(sms_services, phone: str) -> int:
    async with sms_services.sessions() as session, session.begin():
        message = Message(
            channel="sms",
            direction="outbound",
            phone=phone,
            body="hi",
            status=MessageStatus.SENT,
            provider_id="SMout1",
        )
        session.add(message)
    return message.id


async def test_status_only_moves_forward(client, sms_services):
    await _outbound(sms_services, "+12015550123")
    assert (await _status(client, sms_services, "SMout1", "delivered")).status_code == 204
    await _status(client, sms_services, "SMout1", "sent")
    async with sms_services.sessions() as session:
        status = await session.scalar(select(Message.status).where(Message.provider_id == "SMout1"))
    assert status == MessageStatus.DELIVERED


async def test_a_final_status_is_counted_once_for_prometheus(client, sms_services):
    from bot.metrics import REGISTRY

    def delivered() -> float:
        labels = {"status": "delivered"}
        return REGISTRY.get_sample_value("doorstep_outbound_messages_total", labels) or 0.0

    before = delivered()
    await _outbound(sms_services, "+12015550123")
    await _status(client, sms_services, "SMout1", "delivered")
    await _status(client, sms_services, "SMout1", "delivered")  # Twilio retries a callback
    response = await client.get("/metrics")
    assert 'doorstep_outbound_messages_total{status="delivered"}' in response.text
    assert delivered() - before == 1


async def test_error_21610_marks_the_contact_opted_out(client, sms_services):
    await _outbound(sms_services, "+12015550123")
    await _status(client, sms_services, "SMout1", "failed", error="21610")
    [contact] = await rows(sms_services, Contact)
    assert contact.opted_out and contact.opt_out_source == "twilio_21610"


async def test_an_unsigned_status_callback_is_refused(client, sms_services):
    await _outbound(sms_services, "+12015550123")
    response = await client.post(
        "/twilio/status",
        data={"MessageSid": "SMout1", "MessageStatus": "failed", "ErrorCode": "21610"},
    )
    assert response.status_code == 403
    assert await count(sms_services, Contact) == 0
