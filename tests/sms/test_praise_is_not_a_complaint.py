"""Praise for the driver ("he was great", "can I leave a review?", "5 stars") is thanked, not
handed to a person as a complaint; praise with something gone wrong in it is not praise."""

from __future__ import annotations

import pytest
from sms_helpers import Says, count, seed_delivery

from data.models import DeliveryException
from data.types import DeliveryStatus


@pytest.mark.parametrize(
    ("text", "read_as", "language"),
    [
        ("Can I leave a review for my driver? He was great", "complain", "en"),
        ("your driver was super friendly today", "complain", "en"),
        ("5 stars!!", "out_of_scope", "en"),
        ("el repartidor fue muy amable, gracias", "complain", "es"),
    ],
)
async def test_praise_is_thanked(maria, sms_services, nlu, text, read_as, language):
    nlu.script[text.lower()] = Says(read_as, confidence=0.9, language=language)
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    reply = await maria.says(text)
    assert "great to hear" in reply or "que bueno" in reply, reply
    assert await count(sms_services, DeliveryException) == 0


@pytest.mark.parametrize(
    "text",
    [
        "the driver was nice but the box was crushed",
        "driver was great, too bad it came late",
        "I want to talk to someone, the driver was great though",
    ],
)
async def test_praise_with_something_wrong_is_not_only_praise(maria, sms_services, nlu, text):
    nlu.script[text.lower()] = Says("complain", confidence=0.9)
    await seed_delivery(sms_services, status=DeliveryStatus.DELIVERED)
    reply = await maria.says(text)
    assert "great to hear" not in reply, reply
