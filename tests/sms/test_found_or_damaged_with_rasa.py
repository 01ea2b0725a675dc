"""With the real Rasa server: the package found after a missing-package claim closes it, a
damage report in the answer to "Still missing?" is one, and after a damage claim "do I need to
send it back?" keeps the item and "yes I have pictures" asks for them here."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sms_helpers import Phone, rows, seed_delivery

from bot.app import create_app
from data.models import Claim
from data.types import ClaimStatus, DeliveryStatus

pytestmark = pytest.mark.rasa

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 4, 13, 43, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/DS43308245.jpg"],
}


@pytest.fixture
async def aisha(rasa_services):  # noqa: ANN001, ANN201
    app = create_app(services=rasa_services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal"
    ) as client:
        yield Phone(client, rasa_services, "+12015550123")


async def _missing_claim_opened(aisha, services) -> None:  # noqa: ANN001
    await seed_delivery(services, tracking="DS43308245", **DELIVERED)
    assert "Still missing?" in await aisha.says("it says delivered but I don't see it anywhere")
    assert "opened a claim" in await aisha.says("i checked the porch and the back door, nothing")


@pytest.mark.parametrize(
    "text",
    [
        "ok found it behind the planter lol nevermind",
        "i found it, never mind",
        "nvm it was at my neighbors",
        "got it, it was in the mailroom",
        "ya lo encontré",
    ],
)
async def test_found_after_the_claim_closes_it(aisha, rasa_services, text):
    await _missing_claim_opened(aisha, rasa_services)
    reply = await aisha.says(text)
    assert "DS43308245" in reply and ("closed the claim" in reply or "Cerramos" in reply), reply
    [claim] = await rows(rasa_services, Claim)
    assert claim.status == ClaimStatus.CLOSED


async def test_got_it_thanks_after_the_claim_leaves_it_open(aisha, rasa_services):
    await _missing_claim_opened(aisha, rasa_services)
    assert "closed" not in await aisha.says("got it, thanks")
    [claim] = await rows(rasa_services, Claim)
    assert claim.status == ClaimStatus.OPEN


async def test_the_damage_story_with_the_real_nlu(aisha, rasa_services):
    await seed_delivery(rasa_services, tracking="DS43308245", **DELIVERED)
    assert "Still missing?" in await aisha.says("it says delivered but I don't see it anywhere")
    arrived = await aisha.says("got my package today but the item inside is broken")
    assert "Glad it reached you" in arrived and "photo" in arrived, arrived
    keep = await aisha.says("do I need to send it back?")
    assert "keep the item" in keep and "photo" in keep, keep
    assert "opened a claim" in await aisha.says("the glass part is shattered")
    for question in ("should I return it?", "what do I do with the broken one"):
        assert "until our claims team contacts you" in await aisha.says(question)
    assert "send the photos here" in await aisha.says("yes I have pictures")
    photo = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM9/Media/ME9"
    assert "added your photo" in await aisha.says("", media=[photo])
    [claim] = await rows(rasa_services, Claim)
    assert (claim.kind, claim.status, claim.evidence_urls) == ("damaged", ClaimStatus.OPEN, [photo])
