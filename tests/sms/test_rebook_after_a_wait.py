"""A customer asks us to wait a while ("hold it for a week", "I'm away a few days", "guárdenlo
una semana"): the rebook offers windows from the day the wait is over, or says how far ahead we
book when it is past that. A hold that names a day or a wait is such a rebook; a hold for pickup
stays one. It is Tuesday, March 4 2025; we book up to 7 days ahead."""

from __future__ import annotations

import httpx
import pytest
from sms_helpers import Phone, Says, get_delivery, proposes, rows, seed_delivery

from bot.app import create_app
from data.models import DeliveryException
from data.types import DeliveryStatus


async def _failed(services) -> int:  # noqa: ANN001
    return await seed_delivery(services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)


def _says(text: str, intent: str = "reschedule_delivery", language: str = "en", **kw) -> Says:
    """What the NLU makes of `text`: `intent`, with the days and times read in it."""
    return Says(intent, language=language, entities=proposes(text).entities, **kw)


@pytest.mark.parametrize(
    ("text", "language", "first", "never"),
    [
        ("hold it for a week", "en", "1) Tue Mar 11, 8-10am", "Mar 10"),
        ("can you keep it a few days", "en", "1) Fri Mar 7, 8-10am", "Thu Mar 6"),
        ("wait a couple of days please", "en", "1) Thu Mar 6, 8-10am", "Wed Mar 5"),
        ("not for 3 days", "en", "1) Fri Mar 7, 8-10am", "Thu Mar 6"),
        ("I'm out of town for 5 days, redeliver after", "en", "1) Mon Mar 10, 8-10am", "Sat"),
        ("nobody will be home for a few days", "en", "1) Fri Mar 7, 8-10am", "Thu Mar 6"),
        ("guárdenlo una semana", "es", "1) mar 11 mar, 8-10am", "lun 10"),
        ("en unos días", "es", "1) vie 7 mar, 8-10am", "jue 6"),
        ("pueden esperar un par de días más?", "es", "1) jue 6 mar, 8-10am", "mie 5"),
    ],
)
async def test_a_wait_asked_offers_windows_from_the_day_it_is_over(
    text, language, first, never, maria, sms_services, nlu
):
    nlu.script[text.lower()] = _says(text, language=language)
    delivery_id = await _failed(sms_services)
    offer = await maria.says(text)
    assert first in offer and never not in offer, offer
    assert "held for pickup" not in offer and "para recoger" not in offer
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.FAILED_ATTEMPT


async def test_a_pick_after_a_week_long_wait_books_that_day(maria, sms_services, nlu):
    nlu.script["keep it for a week please"] = _says("keep it for a week please")
    nlu.script["2"] = Says("inform")
    nlu.script["yes"] = Says("affirm")
    delivery_id = await _failed(sms_services)
    assert "1) Tue Mar 11, 8-10am 2) Tue Mar 11, 12-2pm" in await maria.says(
        "keep it for a week please"
    )
    assert "Tue Mar 11, 12-2pm?" in await maria.says("2")
    assert "rebooked for Tue Mar 11, 12-2pm" in await maria.says("yes")
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.SCHEDULED


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("I'm traveling for two weeks", "en", "up to 7 days ahead"),
        ("hold it for a month", "en", "up to 7 days ahead"),
        ("estaré fuera dos semanas", "es", "7 dias de anticipacion"),
    ],
)
async def test_a_wait_past_the_booking_horizon_says_how_far_ahead_we_book(
    text, language, said, maria, sms_services, nlu
):
    nlu.script[text.lower()] = _says(text, language=language)
    await _failed(sms_services)
    reply = await maria.says(text)
    assert said in reply and "1)" not in reply, reply
    assert ("HOLD" in reply and "AGENT" in reply) or ("RECOGER" in reply and "AGENTE" in reply)
    assert await rows(sms_services, DeliveryException) == []


@pytest.mark.parametrize(
    ("text", "nlu_reads", "first"),
    [
        ("I'm away for a week", Says("out_of_scope", confidence=0.71), "1) Tue Mar 11"),
        ("wait a couple of days", Says("complain", confidence=0.67), "1) Thu Mar 6"),
        ("not for 3 days", Says("nlu_fallback", confidence=0.23), "1) Fri Mar 7"),
        ("please keep it for a couple days", Says("affirm", confidence=0.34), "1) Thu Mar 6"),
        ("no estoy por una semana", Says("deny", confidence=0.71, language="es"), "1) mar 11"),
    ],
)
async def test_a_wait_the_nlu_reads_as_something_else_is_still_a_rebook(
    text, nlu_reads, first, maria, sms_services, nlu
):
    nlu_reads.entities = proposes(text).entities
    nlu.script[text.lower()] = nlu_reads
    await _failed(sms_services)
    offer = await maria.says(text)
    assert first in offer, offer
    assert await rows(sms_services, DeliveryException) == []  # no person for a "complaint"


async def test_a_wait_that_names_a_person_still_goes_to_a_person(maria, sms_services, nlu):
    text = "I'm away for a week, let me talk to someone"
    nlu.script[text.lower()] = _says(text, intent="complain", confidence=0.7)
    await _failed(sms_services)
    reply = await maria.says(text)
    assert "1) Tue Mar 11" not in reply
    [case] = await rows(sms_services, DeliveryException)
    assert case.type != "rebook_review"


@pytest.mark.parametrize(
    ("text", "language", "first"),
    [
        ("can you hold it till friday", "en", "1) Fri Mar 7, 8-10am"),
        ("hold it a week", "en", "1) Tue Mar 11, 8-10am"),
        ("please hold onto it for a few days", "en", "1) Fri Mar 7, 8-10am"),
        ("hold it, I'm away until monday", "en", "1) Mon Mar 10, 8-10am"),
        ("hold it a week, I'll get back to you if it changes", "en", "1) Tue Mar 11, 8-10am"),
        ("guárdenlo hasta el viernes", "es", "1) vie 7 mar, 8-10am"),
        ("retengan el paquete unos días", "es", "1) vie 7 mar, 8-10am"),
        ("can you keep it over the weekend", "en", "1) Mon Mar 10, 8-10am"),
        ("hold it for next week", "en", "1) Mon Mar 10, 8-10am"),
        ("guárdenlo hasta después del jueves", "es", "1) vie 7 mar, 8-10am"),
    ],
)
async def test_a_hold_that_names_a_day_or_a_wait_is_a_rebook_not_before_then(
    text, language, first, maria, sms_services, nlu
):
    nlu.script[text.lower()] = _says(text, intent="hold_for_pickup", language=language)
    delivery_id = await _failed(sms_services)
    offer = await maria.says(text)
    assert first in offer, offer
    assert (await get_delivery(sms_services, delivery_id)).status == DeliveryStatus.FAILED_ATTEMPT


async def test_a_hold_that_names_a_day_to_deliver_confirms_that_day(maria, sms_services, nlu):
    text = "hold it, bring it thursday afternoon"
    nlu.script[text] = _says(text, intent="hold_for_pickup")
    await _failed(sms_services)
    assert "Deliver DS20461187 Thu Mar 6, 12-2pm?" in await maria.says(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hold it at the depot, I'll pick it up", "en"),
        ("hold it, I'll pick it up friday", "en"),
        ("can you keep it for a few days, I'll come get it", "en"),
        ("hold it till monday, I'll grab it then", "en"),
        ("guárdenlo, lo recojo el lunes", "es"),
    ],
)
async def test_a_hold_for_pickup_stays_a_pickup_whatever_day_it_names(
    text, language, maria, sms_services, nlu
):
    nlu.script[text.lower()] = _says(text, intent="hold_for_pickup", language=language)
    delivery_id = await _failed(sms_services)
    await maria.says(text)
    assert (await get_delivery(sms_services, delivery_id)).status == (
        DeliveryStatus.HELD_FOR_PICKUP
    )


async def test_a_hold_for_a_week_while_out_for_delivery_goes_to_a_person(maria, sms_services, nlu):
    nlu.script["hold it for a week"] = _says("hold it for a week", intent="hold_for_pickup")
    delivery_id = await seed_delivery(sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY)
    reply = await maria.says("hold it for a week")
    assert "already on the way" in reply and "A person will contact you" in reply
    [case] = await rows(sms_services, DeliveryException)
    assert (case.delivery_id, case.type) == (delivery_id, "rebook_review")


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("hold it for a week", "1) Tue Mar 11, 8-10am"),
        ("I'm away for a week", "1) Tue Mar 11, 8-10am"),
        ("wait a couple of days", "1) Thu Mar 6, 8-10am"),
        ("can you hold it till friday", "1) Fri Mar 7, 8-10am"),
    ],
)
async def test_a_wait_with_the_real_nlu_offers_windows_from_the_day_it_is_over(
    rasa_services, text, first
):
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        james = Phone(client, rasa_services, "+12015550123")
        delivery_id = await _failed(rasa_services)
        assert first in await james.says(text)
    assert (await get_delivery(rasa_services, delivery_id)).status == (
        DeliveryStatus.FAILED_ATTEMPT
    )
