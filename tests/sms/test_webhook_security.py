"""Nobody in who doesn't belong: forged, unsigned and replayed requests write nothing."""

from __future__ import annotations

from sms_helpers import Says, count, seed_delivery

from data.models import ConsentEvent, Contact, Message
from data.types import Direction


async def test_an_unsigned_request_is_refused_and_nothing_is_written(maria, sms_services):
    response = await maria.post("where is my package", signature="")
    assert response.status_code == 403
    assert await count(sms_services, Message) == 0
    assert await count(sms_services, Contact) == 0


async def test_a_forged_signature_is_refused_and_nothing_is_written(maria, sms_services):
    response = await maria.post("STOP", signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
    assert await count(sms_services, Message) == 0
    assert await count(sms_services, ConsentEvent) == 0


async def test_a_signature_for_other_words_is_refused(maria, sms_services, client):
    """A captured request replayed with a changed body no longer matches its signature."""
    from bot.sms.signature import sign

    params = {"MessageSid": "SMreplay", "From": maria.number, "Body": "hi"}
    signature = sign(
        sms_services.settings, sms_services.settings.public_base_url + "/twilio/sms", params
    )
    tampered = {**params, "Body": "STOP"}
    response = await client.post(
        "/twilio/sms", data=tampered, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    assert await count(sms_services, Message) == 0


async def test_a_signature_made_for_the_internal_url_is_refused(maria, sms_services, client):
    """Signatures are checked against the public URL Twilio called, not the app's own view."""
    from bot.sms.signature import sign

    params = {"MessageSid": "SMinternal", "From": maria.number, "Body": "hi"}
    signature = sign(sms_services.settings, "http://app.internal/twilio/sms", params)
    response = await client.post(
        "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


async def test_a_repeated_message_sid_changes_nothing(maria, sms_services, nlu):
    nlu.script["where is it"] = Says("where_is_my_package")
    await seed_delivery(sms_services)
    first = await maria.post("where is it", sid="SMsame")
    again = await maria.post("where is it", sid="SMsame")
    assert "DS20461187" in first.text
    assert "<Message>" not in again.text
    assert await count(sms_services, Message, Message.direction == Direction.INBOUND) == 1
    assert await count(sms_services, Message, Message.direction == Direction.OUTBOUND) == 1


async def test_a_repeat_is_caught_by_the_store_when_redis_forgot(maria, sms_services):
    await maria.post("STOP", sid="SMforgot")
    await sms_services.redis.client.flushdb()
    again = await maria.post("STOP", sid="SMforgot")
    assert "<Message>" not in again.text
    assert await count(sms_services, ConsentEvent) == 1


async def test_a_signed_text_is_counted_for_prometheus_and_a_forged_one_is_not(maria):
    from bot.metrics import REGISTRY

    def received() -> float:
        labels = {"channel": "sms"}
        return REGISTRY.get_sample_value("doorstep_inbound_messages_total", labels) or 0.0

    before = received()
    await maria.post("STOP", signature="bm90IGEgc2lnbmF0dXJl")
    assert received() == before
    await maria.post("STOP")
    assert received() == before + 1
